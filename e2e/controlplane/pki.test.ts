import { X509Certificate, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCA, createSigningKey, issue } from './pki.js';

describe('pki', () => {
  it('issues a serving certificate that its CA verifies, with the requested names', async () => {
    const ca = await createCA('test-ca');
    const leaf = await issue(ca, { subject: 'CN=kube-apiserver', usage: 'server', dnsNames: ['localhost', 'kubernetes.default.svc'], ips: ['127.0.0.1'] });
    const caCert = new X509Certificate(ca.certPem);
    const cert = new X509Certificate(leaf.certPem);
    expect(caCert.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkHost('kubernetes.default.svc')).toBe('kubernetes.default.svc');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('elsewhere.example')).toBeUndefined();
    expect(cert.keyUsage).toContain('1.3.6.1.5.5.7.3.1');
    expect(cert.keyUsage).not.toContain('1.3.6.1.5.5.7.3.2');
  });

  it('puts the organisation of a client certificate in its subject (Kubernetes groups)', async () => {
    const ca = await createCA('client-ca');
    const leaf = await issue(ca, { subject: 'CN=admin, O=system:masters', usage: 'client' });
    const cert = new X509Certificate(leaf.certPem);
    expect(cert.subject).toContain('CN=admin');
    expect(cert.subject).toContain('O=system:masters');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
  });

  it('writes private keys that match their certificates', async () => {
    const ca = await createCA('ca');
    const leaf = await issue(ca, { subject: 'CN=x', usage: 'both' });
    const key = createPrivateKey(leaf.keyPem);
    const data = Buffer.from('proof');
    expect(verify('sha256', data, new X509Certificate(leaf.certPem).publicKey, sign('sha256', data, key))).toBe(true);
  });

  it('creates a service-account signing key whose public half verifies its signatures', async () => {
    const { keyPem, publicPem } = await createSigningKey();
    const data = Buffer.from('token');
    expect(verify('sha256', data, createPublicKey(publicPem), sign('sha256', data, createPrivateKey(keyPem)))).toBe(true);
  });
});
