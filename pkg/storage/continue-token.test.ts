import { describe, expect, it } from 'vitest';
import { decodeContinue, encodeContinue } from './continue-token.js';

describe('continue tokens', () => {
  it('round-trips a position as an opaque base64url string', () => {
    const token = encodeContinue({ revision: 42, after: 'ns1/a b/ü' });
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeContinue(token)).toEqual({ revision: 42, after: 'ns1/a b/ü' });
  });

  it.each([
    ['garbage', '%%%'],
    ['a JSON array', Buffer.from('[]').toString('base64url')],
    ['another version', Buffer.from('{"v":"meta.k8s.io/v1","rv":1,"after":"a"}').toString('base64url')],
    ['revision 0', Buffer.from('{"v":"herd.storage/v1","rv":0,"after":"a"}').toString('base64url')],
    ['a fractional revision', Buffer.from('{"v":"herd.storage/v1","rv":1.5,"after":"a"}').toString('base64url')],
    ['an empty position', Buffer.from('{"v":"herd.storage/v1","rv":3,"after":""}').toString('base64url')],
  ])('refuses %s with InvalidContinue', (_, token) => {
    expect(() => decodeContinue(token)).toThrow(expect.objectContaining({ code: 'InvalidContinue' }));
  });
});
