import { describe, expect, it } from 'vitest';
import { decodeBody } from './request-body.js';

describe('decodeBody', () => {
  it('decodes JSON and reports duplicate keys', () => {
    expect(decodeBody('{"spec":{"a":1,"a":2}}', 'json', { kind: 'X' })).toEqual({ object: { spec: { a: 2 } }, duplicateFields: ['spec.a'] });
  });

  it('decodes YAML and reports duplicate keys with their paths', () => {
    const body = decodeBody('kind: X\nspec:\n  items:\n  - a: 1\n    a: 2\n', 'yaml', { kind: 'X' });
    expect(body).toEqual({ object: { kind: 'X', spec: { items: [{ a: 2 }] } }, duplicateFields: ['spec.items[0].a'] });
  });

  it.each([
    ['json', '{"apiVersion":', /^the object provided is unrecognized \(must be of type Widget\): couldn't get version\/kind; json parse error: /],
    ['json', '', /unexpected end of JSON input/],
    ['yaml', 'a: [1, 2\nb: }', /^the object provided is unrecognized \(must be of type Widget\): couldn't get version\/kind; yaml parse error: /],
  ] as const)('refuses malformed %s with a 400', (format, raw, message) => {
    let status: { code: number; message: string } | undefined;
    try {
      decodeBody(raw, format, { kind: 'Widget' });
    } catch (err) {
      status = (err as { status: { code: number; message: string } }).status;
    }
    expect(status?.code).toBe(400);
    expect(status?.message).toMatch(message);
  });
});
