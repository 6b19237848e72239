import { beforeAll, describe, expect, it } from 'vitest';
import { createCA, type CertificateAuthority } from '../../e2e/controlplane/pki.js';
import { commonName } from './certificate-chain.js';
import { parseAuthenticationConfigMap, parseStringList, resolveConfig } from './request-header-config.js';

let frontProxyCA: CertificateAuthority;
let rotatedCA: CertificateAuthority;
let clientCA: CertificateAuthority;

beforeAll(async () => {
  [frontProxyCA, rotatedCA, clientCA] = await Promise.all([createCA('front-proxy-ca'), createCA('front-proxy-ca-2'), createCA('kubernetes-ca')]);
});

describe('parseStringList', () => {
  it.each([
    { name: 'reads a JSON array of header names', value: '["X-Remote-User"]', want: ['X-Remote-User'] },
    { name: 'reads several entries in order', value: '["a","b"]', want: ['a', 'b'] },
    { name: 'treats an absent key as empty', value: undefined, want: [] },
    { name: 'treats an empty string as empty', value: '', want: [] },
    { name: 'treats JSON null as empty', value: 'null', want: [] },
    { name: 'accepts an empty array', value: '[]', want: [] },
  ])('$name', ({ value, want }) => {
    expect(parseStringList('k', value)).toEqual(want);
  });

  it.each([
    { name: 'rejects malformed JSON', value: '[X-Remote-User]', error: /^requestheader-username-headers: invalid JSON/ },
    { name: 'rejects a bare string', value: '"X-Remote-User"', error: /expected a JSON array of strings/ },
    { name: 'rejects an array with a non-string', value: '["a", 1]', error: /expected a JSON array of strings/ },
  ])('$name', ({ value, error }) => {
    expect(() => parseStringList('requestheader-username-headers', value)).toThrow(error);
  });
});

describe('parseAuthenticationConfigMap', () => {
  it('reads the ConfigMap kube-apiserver writes', () => {
    const config = parseAuthenticationConfigMap({
      'client-ca-file': clientCA.certPem,
      'requestheader-client-ca-file': frontProxyCA.certPem + rotatedCA.certPem,
      'requestheader-allowed-names': '["front-proxy-client"]',
      'requestheader-username-headers': '["X-Remote-User"]',
      'requestheader-uid-headers': '["X-Remote-Uid"]',
      'requestheader-group-headers': '["X-Remote-Group"]',
      'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
    });
    expect(config.clientCert?.clientCA.certificates.map((c) => commonName(c.fields))).toEqual(['kubernetes-ca']);
    expect(config.requestHeader?.clientCA.certificates.map((c) => commonName(c.fields))).toEqual(['front-proxy-ca', 'front-proxy-ca-2']);
    expect(config.requestHeader).toMatchObject({
      allowedNames: ['front-proxy-client'],
      usernameHeaders: ['X-Remote-User'],
      uidHeaders: ['X-Remote-Uid'],
      groupHeaders: ['X-Remote-Group'],
      extraHeaderPrefixes: ['X-Remote-Extra-'],
    });
  });

  it('leaves the request-header configuration out without its CA', () => {
    const config = parseAuthenticationConfigMap({ 'client-ca-file': clientCA.certPem, 'requestheader-username-headers': '["X-Remote-User"]' });
    expect(config.requestHeader).toBeUndefined();
    expect(config.clientCert).toBeDefined();
  });

  it('leaves the client-certificate configuration out without client-ca-file', () => {
    const config = parseAuthenticationConfigMap({ 'requestheader-client-ca-file': frontProxyCA.certPem });
    expect(config.clientCert).toBeUndefined();
    expect(config.requestHeader).toMatchObject({ allowedNames: [], usernameHeaders: [], uidHeaders: [], groupHeaders: [], extraHeaderPrefixes: [] });
  });

  it('returns nothing for an absent data map', () => {
    expect(parseAuthenticationConfigMap(undefined)).toEqual({});
  });

  it.each<{ name: string; data: Record<string, string>; error: RegExp }>([
    { name: 'rejects a malformed front-proxy CA bundle', data: { 'requestheader-client-ca-file': 'garbage' }, error: /^requestheader-client-ca-file: error loading CA bundle/ },
    { name: 'rejects a malformed client CA bundle', data: { 'client-ca-file': 'garbage' }, error: /^client-ca-file: error loading CA bundle/ },
    { name: 'rejects a malformed header list', data: { 'requestheader-group-headers': 'X-Remote-Group' }, error: /^requestheader-group-headers: invalid JSON/ },
  ])('$name', ({ data, error }) => {
    expect(() => parseAuthenticationConfigMap(data)).toThrow(error);
  });
});

describe('resolveConfig', () => {
  it('returns a fixed value or calls a getter', () => {
    const value = { a: 1 };
    expect(resolveConfig(value)).toBe(value);
    expect(resolveConfig(() => value)).toBe(value);
    expect(resolveConfig<{ a: number }>(() => undefined)).toBeUndefined();
  });
});
