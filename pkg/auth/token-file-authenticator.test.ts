import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TokenFileAuthenticator } from './token-file-authenticator.js';

const FILE = [
  'admin-token,admin,uid-admin,"system:masters,ops"',
  'dev-token,dev,,dev',
  'bare-token,bare,uid-bare',
  'empty-groups,eg,uid-eg,',
  'spaced,sp,uid-sp,"a, b"',
  'extra-cols,ec,uid-ec,g,ignored,also-ignored',
].join('\n');

describe('TokenFileAuthenticator', () => {
  const auth = TokenFileAuthenticator.parse(FILE, 'tokens.csv');

  it.each([
    { name: 'resolves a token with several groups', token: 'admin-token', want: { name: 'admin', uid: 'uid-admin', groups: ['system:masters', 'ops'], extra: {} } },
    { name: 'leaves out an empty uid', token: 'dev-token', want: { name: 'dev', groups: ['dev'], extra: {} } },
    { name: 'gives a three-column line no groups', token: 'bare-token', want: { name: 'bare', uid: 'uid-bare', groups: [], extra: {} } },
    { name: 'gives an empty group column one empty group, as upstream does', token: 'empty-groups', want: { name: 'eg', uid: 'uid-eg', groups: [''], extra: {} } },
    { name: 'does not trim group names', token: 'spaced', want: { name: 'sp', uid: 'uid-sp', groups: ['a', ' b'], extra: {} } },
    { name: 'ignores columns after the groups', token: 'extra-cols', want: { name: 'ec', uid: 'uid-ec', groups: ['g'], extra: {} } },
  ])('$name', async ({ token, want }) => {
    expect((await auth.authenticateToken(token))?.user).toStrictEqual(want);
  });

  it.each([
    { name: 'rejects an unknown token', token: 'nope' },
    { name: 'rejects a prefix of a known token', token: 'admin-toke' },
    { name: 'rejects a known token with extra characters', token: 'admin-token ' },
    { name: 'rejects the empty token', token: '' },
  ])('$name', async ({ token }) => {
    expect(await auth.authenticateToken(token)).toBeUndefined();
  });

  it('hands out copies, so callers cannot change the table', async () => {
    const first = await auth.authenticateToken('admin-token');
    first!.user.groups.push('evil');
    expect((await auth.authenticateToken('admin-token'))?.user.groups).toEqual(['system:masters', 'ops']);
  });

  it('skips empty tokens and keeps the last of repeated tokens, with warnings', async () => {
    const a = TokenFileAuthenticator.parse(',nobody,1\nt,first,1\nt,second,2\n', 'f.csv');
    expect(a.size).toBe(1);
    expect((await a.authenticateToken('t'))?.user.name).toBe('second');
    expect(a.warnings).toEqual([
      "empty token has been found in token file 'f.csv', record number '1'",
      "duplicate token has been found in token file 'f.csv', record number '3'",
    ]);
  });

  it.each([
    { name: 'rejects a line with two columns', content: 'a,b,c\nx,y\n', error: "token file 'f.csv' must have at least 3 columns (token, user name, user uid), found 2" },
    { name: 'rejects malformed CSV', content: 'a"b,c,d', error: /bare " in non-quoted-field/ },
  ])('$name', ({ content, error }) => {
    expect(() => TokenFileAuthenticator.parse(content, 'f.csv')).toThrow(error);
  });

  it('loads a file from disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herd-tokens-'));
    const path = join(dir, 'tokens.csv');
    writeFileSync(path, 'disk-token,disk-user,u1\n');
    const loaded = await TokenFileAuthenticator.load(path);
    expect((await loaded.authenticateToken('disk-token'))?.user.name).toBe('disk-user');
  });
});
