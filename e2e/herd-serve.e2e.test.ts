import { readFileSync } from 'node:fs';
import { connect } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandaloneHerd, type StandaloneHerd } from './fleet/standalone-herd.js';

let herd: StandaloneHerd;
beforeAll(async () => {
  herd = await startStandaloneHerd();
});
afterAll(async () => herd?.stop());

const tls = () => ({ ca: readFileSync(herd.tls.caFile), cert: readFileSync(herd.tls.certFile), key: readFileSync(herd.tls.keyFile) });
const PATH = '/apis/federation.herd.io/v1alpha1/namespaces/default/federatedconfigmaps';

describe('herd serve', () => {
  it('speaks HTTP/2 as well as HTTP/1.1', async () => {
    const session = connect(herd.url, tls());
    try {
      const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = session.request({ ':path': '/apis/federation.herd.io/v1alpha1', accept: 'application/json' });
        let status = 0;
        let body = '';
        req.on('response', (h) => (status = Number(h[':status'])));
        req.setEncoding('utf8');
        req.on('data', (c: string) => (body += c));
        req.on('end', () => resolve({ status, body }));
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(200);
      expect(JSON.parse(body)).toMatchObject({ kind: 'APIResourceList', groupVersion: 'federation.herd.io/v1alpha1' });
    } finally {
      session.close();
    }
  });

  it('ends open watches cleanly when it shuts down', async () => {
    const ended = new Promise<{ status: number; clean: boolean }>((resolve, reject) => {
      const req = httpsRequest(`${herd.url}${PATH}?watch=true`, tls(), (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, clean: true }));
        res.on('error', () => resolve({ status: res.statusCode ?? 0, clean: false }));
      });
      req.on('error', reject);
      req.end();
    });
    await new Promise((r) => setTimeout(r, 500));
    await herd.stop();
    expect(await ended).toEqual({ status: 200, clean: true });
    await herd.restart();
  });
});
