import { describe, expect, it } from 'vitest';
import { describeFailure, describeStatus } from './describe-failure.js';

describe('describeFailure', () => {
  it('keeps the message and adds the code it lacks', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    expect(describeFailure(refused)).toBe('connect ECONNREFUSED 127.0.0.1:6443');
    expect(describeFailure(Object.assign(new Error('self-signed certificate'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }))).toBe('self-signed certificate (SELF_SIGNED_CERT_IN_CHAIN)');
  });

  it('says "timed out" for deadlines and undici timeouts', () => {
    expect(describeFailure(Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }))).toBe('timed out');
    expect(describeFailure(Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' }))).toBe('timed out');
    expect(describeFailure('a string')).toBe('unknown error');
  });
});

describe('describeStatus', () => {
  it('names the status and the Status message, and nothing of a body that is not a Status', () => {
    expect(describeStatus(401, '{"kind":"Status","message":"Unauthorized"}')).toBe('401 Unauthorized: Unauthorized');
    expect(describeStatus(500, '[-]etcd failed')).toBe('500 Internal Server Error');
    expect(describeStatus(418, '')).toBe('418');
  });
});
