// Static bearer tokens for standalone mode, in kube-apiserver's `--token-auth-file` format
// (apiserver pkg/authentication/token/tokenfile): CSV lines `token,user,uid[,"group1,group2"]`. Extra columns are
// ignored, an empty token is skipped with a warning, and a repeated token keeps its last line. Tokens are compared
// in constant time against every entry, so lookup time does not depend on how much of a token matches.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { AuthenticationResponse, TokenAuthenticator } from './authentication-request.js';
import { parseCsvRecords } from './csv-records.js';
import type { UserInfo } from './user-info.js';

interface Entry {
  readonly digest: Buffer;
  readonly user: UserInfo;
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

function cloneUser(user: UserInfo): UserInfo {
  const out: UserInfo = { name: user.name, groups: [...user.groups], extra: {} };
  if (user.uid !== undefined) out.uid = user.uid;
  return out;
}

export class TokenFileAuthenticator implements TokenAuthenticator {
  readonly #entries: readonly Entry[];
  /** Problems that did not stop loading (empty or repeated tokens), in file order. */
  readonly warnings: readonly string[];

  private constructor(entries: readonly Entry[], warnings: readonly string[]) {
    this.#entries = entries;
    this.warnings = warnings;
  }

  /**
   * Parses the file content; `source` names the file in messages. Throws on malformed CSV or a line with fewer
   * than three columns.
   */
  static parse(content: string, source: string): TokenFileAuthenticator {
    const byToken = new Map<string, UserInfo>();
    const warnings: string[] = [];
    let recordNumber = 0;
    for (const record of parseCsvRecords(content)) {
      if (record.length < 3) {
        throw new Error(`token file '${source}' must have at least 3 columns (token, user name, user uid), found ${record.length}`);
      }
      recordNumber++;
      const [token, name, uid] = record as [string, string, string, ...string[]];
      if (token === '') {
        warnings.push(`empty token has been found in token file '${source}', record number '${recordNumber}'`);
        continue;
      }
      if (byToken.has(token)) {
        warnings.push(`duplicate token has been found in token file '${source}', record number '${recordNumber}'`);
        byToken.delete(token);
      }
      // A present but empty group column yields one empty group, as upstream's split does.
      const user: UserInfo = { name, groups: record.length >= 4 ? record[3]!.split(',') : [], extra: {} };
      if (uid !== '') user.uid = uid;
      byToken.set(token, user);
    }
    const entries = [...byToken].map(([token, user]) => ({ digest: digest(token), user }));
    return new TokenFileAuthenticator(entries, warnings);
  }

  static async load(path: string): Promise<TokenFileAuthenticator> {
    return TokenFileAuthenticator.parse(await readFile(path, 'utf8'), path);
  }

  get size(): number {
    return this.#entries.length;
  }

  /** Resolves the token's user, or `undefined` for an unknown token. */
  async authenticateToken(token: string): Promise<AuthenticationResponse | undefined> {
    const presented = digest(token);
    let match: UserInfo | undefined;
    for (const entry of this.#entries) {
      // Every entry is compared; no early exit.
      if (timingSafeEqual(entry.digest, presented)) match = entry.user;
    }
    return match === undefined ? undefined : { user: cloneUser(match) };
  }
}
