import { describe, expect, it } from 'vitest';
import { watchLines } from './watch-lines.js';

async function collect(chunks: string[]): Promise<string[]> {
  const out: string[] = [];
  async function* body() {
    for (const c of chunks) yield Buffer.from(c);
  }
  for await (const line of watchLines(body())) out.push(line);
  return out;
}

describe('watchLines', () => {
  it('splits events on newlines whatever the chunking, and skips blank lines', async () => {
    expect(await collect(['{"a":1}\n{"b"', ':2}\n', '\n', '{"c":', '3}\n{"d":4}'])).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('keeps a multi-byte character split across chunks whole', async () => {
    const text = Buffer.from('{"n":"é"}\n');
    const out: string[] = [];
    async function* body() {
      yield text.subarray(0, 7);
      yield text.subarray(7);
    }
    for await (const line of watchLines(body())) out.push(line);
    expect(out).toEqual(['{"n":"é"}']);
  });
});
