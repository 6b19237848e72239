import { describe, expect, it } from 'vitest';
import { isRequestInfoError, newRequestInfo, parseRequestTarget, type RequestInfo } from './request-info.js';

function resolve(method: string, target: string): RequestInfo {
  const { path, query } = parseRequestTarget(target);
  return newRequestInfo({ method, path, query });
}

const G = 'federation.example.io';

describe('newRequestInfo on resource paths', () => {
  it.each([
    // [name, method, url, verb, prefix, group, version, namespace, resource, subresource, name, parts]
    ['lists namespaces', 'GET', '/api/v1/namespaces', 'list', 'api', '', 'v1', '', 'namespaces', '', '', ['namespaces']],
    ['gets one namespace, which is its own namespace', 'GET', '/api/v1/namespaces/other', 'get', 'api', '', 'v1', 'other', 'namespaces', '', 'other', ['namespaces', 'other']],
    ['lists pods in a namespace', 'GET', '/api/v1/namespaces/other/pods', 'list', 'api', '', 'v1', 'other', 'pods', '', '', ['pods']],
    ['gets a pod', 'GET', '/api/v1/namespaces/other/pods/foo', 'get', 'api', '', 'v1', 'other', 'pods', '', 'foo', ['pods', 'foo']],
    ['treats HEAD like GET on an object', 'HEAD', '/api/v1/namespaces/other/pods/foo', 'get', 'api', '', 'v1', 'other', 'pods', '', 'foo', ['pods', 'foo']],
    ['treats HEAD like GET on a collection', 'HEAD', '/api/v1/pods', 'list', 'api', '', 'v1', '', 'pods', '', '', ['pods']],
    ['lists across all namespaces', 'GET', '/api/v1/pods', 'list', 'api', '', 'v1', '', 'pods', '', '', ['pods']],
    ['reads the proxy verb from the path', 'GET', '/api/v1/proxy/namespaces/other/pods/foo', 'proxy', 'api', '', 'v1', 'other', 'pods', '', 'foo', ['pods', 'foo']],
    ['gives a proxy path no subresource', 'GET', '/api/v1/proxy/namespaces/other/pods/foo/subpath/x', 'proxy', 'api', '', 'v1', 'other', 'pods', '', 'foo', ['pods', 'foo', 'subpath', 'x']],
    ['reads the legacy watch prefix', 'GET', '/api/v1/watch/pods', 'watch', 'api', '', 'v1', '', 'pods', '', '', ['pods']],
    ['reads the legacy watch prefix before a namespace', 'GET', '/api/v1/watch/namespaces/other/pods', 'watch', 'api', '', 'v1', 'other', 'pods', '', '', ['pods']],
    ['keeps the name under the legacy watch prefix', 'GET', `/apis/${G}/v1alpha1/watch/namespaces/a/widgets/w1`, 'watch', 'apis', G, 'v1alpha1', 'a', 'widgets', '', 'w1', ['widgets', 'w1']],
    ['turns watch=true into watch', 'GET', '/api/v1/pods?watch=true', 'watch', 'api', '', 'v1', '', 'pods', '', '', ['pods']],
    ['turns watch=1 into watch', 'GET', '/api/v1/namespaces/other/pods?watch=1', 'watch', 'api', '', 'v1', 'other', 'pods', '', '', ['pods']],
    ['treats watch=false as list', 'GET', '/api/v1/pods?watch=false', 'list', 'api', '', 'v1', '', 'pods', '', '', ['pods']],
    ['treats watch=0 as list', 'GET', '/api/v1/pods?watch=0', 'list', 'api', '', 'v1', '', 'pods', '', '', ['pods']],
    ['treats watch=FALSE as list', 'GET', '/api/v1/pods?watch=FALSE', 'list', 'api', '', 'v1', '', 'pods', '', '', ['pods']],
    ['treats a bare watch parameter as watch', 'GET', '/api/v1/pods?watch', 'watch', 'api', '', 'v1', '', 'pods', '', '', ['pods']],
    ['treats any other watch value as watch', 'GET', '/api/v1/pods?watch=yes', 'watch', 'api', '', 'v1', '', 'pods', '', '', ['pods']],
    ['reads only the first watch value', 'GET', '/api/v1/pods?watch=0&watch=1', 'list', 'api', '', 'v1', '', 'pods', '', '', ['pods']],
    ['ignores watch on a named get', 'GET', '/api/v1/namespaces/a/pods/foo?watch=1', 'get', 'api', '', 'v1', 'a', 'pods', '', 'foo', ['pods', 'foo']],
    ['identifies the status subresource', 'GET', '/api/v1/namespaces/other/pods/foo/status', 'get', 'api', '', 'v1', 'other', 'pods', 'status', 'foo', ['pods', 'foo', 'status']],
    ['keeps extra segments after a subresource in parts', 'GET', '/api/v1/namespaces/other/pods/foo/proxy/subpath', 'get', 'api', '', 'v1', 'other', 'pods', 'proxy', 'foo', ['pods', 'foo', 'proxy', 'subpath']],
    ['reads namespace finalize as a namespace subresource', 'PUT', '/api/v1/namespaces/other/finalize', 'update', 'api', '', 'v1', 'other', 'namespaces', 'finalize', 'other', ['namespaces', 'other', 'finalize']],
    ['reads namespace status as a namespace subresource', 'PUT', '/api/v1/namespaces/other/status', 'update', 'api', '', 'v1', 'other', 'namespaces', 'status', 'other', ['namespaces', 'other', 'status']],
    ['maps PATCH to patch', 'PATCH', '/api/v1/namespaces/other/pods/foo', 'patch', 'api', '', 'v1', 'other', 'pods', '', 'foo', ['pods', 'foo']],
    ['maps DELETE on an object to delete', 'DELETE', '/api/v1/namespaces/other/pods/foo', 'delete', 'api', '', 'v1', 'other', 'pods', '', 'foo', ['pods', 'foo']],
    ['maps POST to create', 'POST', '/api/v1/namespaces/other/pods', 'create', 'api', '', 'v1', 'other', 'pods', '', '', ['pods']],
    ['maps PUT to update', 'PUT', `/apis/${G}/v1alpha1/federateddeployments/x`, 'update', 'apis', G, 'v1alpha1', '', 'federateddeployments', '', 'x', ['federateddeployments', 'x']],
    ['maps DELETE on a cluster-scoped collection to deletecollection', 'DELETE', '/api/v1/nodes', 'deletecollection', 'api', '', 'v1', '', 'nodes', '', '', ['nodes']],
    ['maps DELETE on namespaces to deletecollection', 'DELETE', '/api/v1/namespaces', 'deletecollection', 'api', '', 'v1', '', 'namespaces', '', '', ['namespaces']],
    ['maps DELETE on a grouped collection to deletecollection', 'DELETE', `/apis/${G}/v1alpha1/namespaces/o/federateddeployments`, 'deletecollection', 'apis', G, 'v1alpha1', 'o', 'federateddeployments', '', '', ['federateddeployments']],
    ['reads the group and version of a grouped path', 'POST', '/apis/extensions/v1beta3/namespaces/other/pods', 'create', 'apis', 'extensions', 'v1beta3', 'other', 'pods', '', '', ['pods']],
    ['reads a status subresource of a grouped resource', 'PUT', `/apis/${G}/v1alpha1/namespaces/a/federateddeployments/d/status`, 'update', 'apis', G, 'v1alpha1', 'a', 'federateddeployments', 'status', 'd', ['federateddeployments', 'd', 'status']],
    ['gives an unknown method the empty verb', 'OPTIONS', '/api/v1/pods', '', 'api', '', 'v1', '', 'pods', '', '', ['pods']],
    ['matches methods case-sensitively, as Go does', 'get', '/api/v1/pods', '', 'api', '', 'v1', '', 'pods', '', '', ['pods']],
    ['ignores leading and trailing slashes', 'GET', '//api/v1/pods//', 'list', 'api', '', 'v1', '', 'pods', '', '', ['pods']],
    ['keeps empty segments from doubled inner slashes', 'GET', '/api/v1//pods', 'get', 'api', '', 'v1', '', '', '', 'pods', ['', 'pods']],
    ['splits on an escaped slash, since the decoded path is read', 'GET', '/api/v1/namespaces/a%2Fb/pods', 'get', 'api', '', 'v1', 'a', 'b', '', 'pods', ['b', 'pods']],
  ] as const)('%s', (_name, method, url, verb, apiPrefix, apiGroup, apiVersion, namespace, resource, subresource, name, parts) => {
    const info = resolve(method, url);
    expect(info).toMatchObject({ isResourceRequest: true, verb, apiPrefix, apiGroup, apiVersion, namespace, resource, subresource, name });
    expect(info.parts).toEqual(parts);
  });
});

describe('newRequestInfo on non-resource paths', () => {
  it.each([
    ['treats the root as non-resource', 'GET', '/', 'get', ''],
    ['treats /healthz as non-resource', 'GET', '/healthz', 'get', ''],
    ['treats /readyz/ping as non-resource', 'GET', '/readyz/ping', 'get', ''],
    ['treats /apis as non-resource', 'GET', '/apis', 'get', ''],
    ['treats an API group as non-resource', 'GET', `/apis/${G}`, 'get', ''],
    ['treats a group version as non-resource', 'GET', `/apis/${G}/v1alpha1`, 'get', 'apis'],
    ['treats a group version with a trailing slash as non-resource', 'GET', `/apis/${G}/v1alpha1/`, 'get', 'apis'],
    ['treats /api as non-resource', 'GET', '/api', 'get', ''],
    ['treats the legacy version as non-resource', 'GET', '/api/v1', 'get', ''],
    ['treats OpenAPI v2 as non-resource', 'GET', '/openapi/v2', 'get', ''],
    ['treats OpenAPI v3 per group version as non-resource', 'GET', `/openapi/v3/apis/${G}/v1alpha1`, 'get', ''],
    ['treats an unknown prefix as non-resource', 'GET', '/badprefix/version/resource', 'get', ''],
    ['treats a grouped path without resource as non-resource', 'GET', '/apis/version/resource', 'get', 'apis'],
    ['lower-cases the method for non-resource verbs', 'POST', '/metrics', 'post', ''],
    ['keeps an odd method lower-cased', 'OPTIONS', '/apis', 'options', ''],
  ] as const)('%s', (_name, method, url, verb, apiPrefix) => {
    const info = resolve(method, url);
    expect(info).toEqual({
      isResourceRequest: false,
      path: parseRequestTarget(url).path,
      verb,
      apiPrefix,
      apiGroup: '',
      apiVersion: '',
      namespace: '',
      resource: '',
      subresource: '',
      name: '',
      parts: [],
      fieldSelector: '',
      labelSelector: '',
    });
  });

  it('keeps the API prefix it consumed before finding the path too short for a group, as upstream does', () => {
    expect(resolve('GET', `/apis/${G}/v1alpha1`)).toMatchObject({ isResourceRequest: false, apiPrefix: 'apis', apiGroup: '' });
  });
});

describe('newRequestInfo with selectors', () => {
  it.each([
    { name: 'records no selector when none is given', url: '/apis/g/v/res', verb: 'list', reqName: '', fs: '', ls: '' },
    { name: 'authorizes a single-object list by metadata.name', url: '/apis/g/v/res?fieldSelector=metadata.name=name1', verb: 'list', reqName: 'name1', fs: 'metadata.name=name1', ls: '' },
    { name: 'authorizes a single-object watch by metadata.name', url: '/apis/g/v/res?watch=true&fieldSelector=metadata.name=name1', verb: 'watch', reqName: 'name1', fs: 'metadata.name=name1', ls: '' },
    { name: 'accepts the double-equals operator for the name', url: '/apis/g/v/res?fieldSelector=metadata.name%3D%3Dn', verb: 'list', reqName: 'n', fs: 'metadata.name==n', ls: '' },
    { name: 'takes no name from a negated metadata.name', url: '/apis/g/v/res?fieldSelector=metadata.name!%3Dn', verb: 'list', reqName: '', fs: 'metadata.name!=n', ls: '' },
    { name: 'takes no name from a name that is not a path segment', url: '/apis/g/v/res?fieldSelector=metadata.name=..', verb: 'list', reqName: '', fs: 'metadata.name=..', ls: '' },
    { name: 'takes no name containing a percent sign', url: '/apis/g/v/res?fieldSelector=metadata.name=a%25b', verb: 'list', reqName: '', fs: 'metadata.name=a%b', ls: '' },
    { name: 'records other selectors without a name', url: '/apis/g/v/res?fieldSelector=foo=bar&labelSelector=baz=qux', verb: 'list', reqName: '', fs: 'foo=bar', ls: 'baz=qux' },
    { name: 'takes no name from a malformed field selector but keeps the raw text', url: '/apis/g/v/res?fieldSelector=metadata.name=name1,foo', verb: 'list', reqName: '', fs: 'metadata.name=name1,foo', ls: '' },
    { name: 'still reports watch when the field selector is malformed', url: '/apis/g/v/res?fieldSelector=metadata.name=name1,foo&watch=true', verb: 'watch', reqName: '', fs: 'metadata.name=name1,foo', ls: '' },
    { name: 'drops the name when the label selector is malformed', url: '/apis/g/v/res?fieldSelector=metadata.name=n&labelSelector=a%20in%20(', verb: 'list', reqName: '', fs: 'metadata.name=n', ls: 'a in (' },
    { name: 'drops the name when limit is not an integer', url: '/apis/g/v/res?fieldSelector=metadata.name=n&limit=ten', verb: 'list', reqName: '', fs: 'metadata.name=n', ls: '' },
    { name: 'drops the name when limit is empty', url: '/apis/g/v/res?fieldSelector=metadata.name=n&limit=', verb: 'list', reqName: '', fs: 'metadata.name=n', ls: '' },
    { name: 'drops the name when timeoutSeconds overflows int64', url: '/apis/g/v/res?watch=1&fieldSelector=metadata.name=n&timeoutSeconds=9223372036854775808', verb: 'watch', reqName: '', fs: 'metadata.name=n', ls: '' },
    { name: 'keeps the name with a signed integer limit', url: '/apis/g/v/res?fieldSelector=metadata.name=n&limit=%2B5', verb: 'list', reqName: 'n', fs: 'metadata.name=n', ls: '' },
    { name: 'honours selectors on deletecollection without taking a name', url: '/apis/g/v/res?fieldSelector=metadata.name=n&labelSelector=baz=qux', method: 'DELETE', verb: 'deletecollection', reqName: '', fs: 'metadata.name=n', ls: 'baz=qux' },
    { name: 'reads the first of repeated selector parameters', url: '/apis/g/v/res?fieldSelector=metadata.name=foo&fieldSelector=metadata.name=bar&labelSelector=foo=bar&labelSelector=foo=baz', verb: 'list', reqName: 'foo', fs: 'metadata.name=foo', ls: 'foo=bar' },
    { name: 'decodes a plus in a selector as a space', url: '/apis/g/v/res?labelSelector=env+in+%28a%2C+b%29', verb: 'list', reqName: '', fs: '', ls: 'env in (a, b)' },
    { name: 'ignores selectors on a named get', url: '/apis/g/v/res/name?fieldSelector=foo=bar&labelSelector=foo=bar', verb: 'get', reqName: 'name', fs: '', ls: '' },
    { name: 'ignores selectors under the legacy watch prefix', url: '/apis/g/v/watch/res?fieldSelector=metadata.name=foo&labelSelector=foo=bar', verb: 'watch', reqName: '', fs: '', ls: '' },
    { name: 'ignores selectors on a legacy single-object watch', url: '/apis/g/v/watch/res/name?fieldSelector=metadata.name=foo&labelSelector=foo=bar', verb: 'watch', reqName: 'name', fs: '', ls: '' },
  ])('$name', ({ url, method, verb, reqName, fs, ls }) => {
    const info = resolve(method ?? 'GET', url);
    expect({ verb: info.verb, name: info.name, fieldSelector: info.fieldSelector, labelSelector: info.labelSelector }).toEqual({
      verb,
      name: reqName,
      fieldSelector: fs,
      labelSelector: ls,
    });
  });

  it('reads a query object whose repeated keys are arrays', () => {
    const info = newRequestInfo({ method: 'GET', path: '/apis/g/v/res', query: { watch: ['1', '0'], fieldSelector: 'metadata.name=x' } });
    expect(info).toMatchObject({ verb: 'watch', name: 'x', fieldSelector: 'metadata.name=x' });
  });

  it('treats a key with an empty array as absent', () => {
    expect(newRequestInfo({ method: 'GET', path: '/apis/g/v/res', query: { watch: [] } }).verb).toBe('list');
  });
});

describe('newRequestInfo errors and options', () => {
  it.each([
    ['a grouped watch prefix with nothing after it', `/apis/${G}/v1alpha1/watch`],
    ['a legacy watch prefix with nothing after it', '/api/v1/watch'],
    ['a proxy prefix with nothing after it', '/api/v1/proxy'],
  ])('rejects %s', (_name, url) => {
    let caught: unknown;
    try {
      resolve('GET', `${url}?x=1`);
    } catch (e) {
      caught = e;
    }
    expect(isRequestInfoError(caught)).toBe(true);
    expect((caught as Error).message).toBe(`unable to determine kind and namespace from url, ${url}?x=1`);
  });

  it('honours custom prefixes', () => {
    const info = newRequestInfo({ method: 'GET', path: '/custom/v1/things' }, { apiPrefixes: ['custom'], grouplessApiPrefixes: ['custom'] });
    expect(info).toMatchObject({ isResourceRequest: true, apiPrefix: 'custom', apiVersion: 'v1', resource: 'things', verb: 'list' });
  });
});

describe('parseRequestTarget', () => {
  it.each([
    { name: 'keeps a plain path', target: '/api/v1/pods', path: '/api/v1/pods', query: '' },
    { name: 'separates the query', target: '/api/v1/pods?watch=1&limit=5', path: '/api/v1/pods', query: 'watch=1&limit=5' },
    { name: 'decodes escapes in the path', target: '/apis/g/v/x/a%20b', path: '/apis/g/v/x/a b', query: '' },
    { name: 'decodes multi-byte UTF-8 escapes', target: '/x/%C3%A9t%C3%A9', path: '/x/été', query: '' },
    { name: 'leaves a plus in the path alone', target: '/x/a+b', path: '/x/a+b', query: '' },
  ])('$name', ({ target, path, query }) => {
    const parsed = parseRequestTarget(target);
    expect(parsed.path).toBe(path);
    expect(parsed.query.toString()).toBe(query);
  });

  it('rejects a malformed escape', () => {
    expect(() => parseRequestTarget('/x/%zz')).toThrow(URIError);
  });
});
