import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { requireValidRef } from './credential-ref-validation.js';
import { CredentialStoreError } from './credential-store-error.js';
import { checkCredentials, describeRef, type CredentialRef, type CredentialStore, type MemberCredentials } from './credential-store.js';

const FILES = { token: 'token', cert: 'tls.crt', key: 'tls.key' } as const;

const errorCode = (err: unknown): string | undefined => (err as { code?: string } | undefined)?.code;

/**
 * Member credentials as files (standalone mode): `<dir>/<namespace>/<name>/token`, or `tls.crt` and `tls.key`.
 * Directories are created 0700 and files written 0600, each through a temporary file and a rename, so a reader
 * never sees half a key. `herd serve --member-credentials-dir` reads the directory `herd join --credentials-dir`
 * writes.
 */
export class DirectoryCredentialStore implements CredentialStore {
  constructor(readonly dir: string) {}

  private folder(ref: CredentialRef): string {
    requireValidRef(ref);
    return join(this.dir, ref.namespace, ref.name);
  }

  async read(ref: CredentialRef): Promise<MemberCredentials> {
    const folder = this.folder(ref);
    const creds: MemberCredentials = {};
    let found = false;
    for (const [field, file] of Object.entries(FILES) as [keyof MemberCredentials, string][]) {
      try {
        const text = await readFile(join(folder, file), 'utf8');
        creds[field] = field === 'token' ? text.trim() : text;
        found = true;
      } catch (err) {
        if (errorCode(err) === 'ENOENT' || errorCode(err) === 'ENOTDIR') continue;
        throw new CredentialStoreError('Unavailable', `reading credentials ${describeRef(ref)} from ${this.dir}: ${errorCode(err) ?? 'cannot read'}`);
      }
    }
    if (!found) throw new CredentialStoreError('NotFound', `credentials ${describeRef(ref)} not found in ${this.dir}`);
    return checkCredentials(creds, `credentials ${describeRef(ref)} in ${this.dir}`);
  }

  async write(ref: CredentialRef, creds: MemberCredentials): Promise<void> {
    const checked = checkCredentials(creds, 'the credentials to write');
    const folder = this.folder(ref);
    try {
      for (const d of [this.dir, join(this.dir, ref.namespace), folder]) {
        await mkdir(d, { recursive: true, mode: 0o700 });
      }
      for (const d of [join(this.dir, ref.namespace), folder]) await chmod(d, 0o700);
      for (const [field, file] of Object.entries(FILES) as [keyof MemberCredentials, string][]) {
        const value = checked[field];
        const path = join(folder, file);
        if (value === undefined) {
          await rm(path, { force: true });
          continue;
        }
        const tmp = `${path}.tmp-${process.pid}`;
        await writeFile(tmp, value, { mode: 0o600 });
        await chmod(tmp, 0o600);
        await rename(tmp, path);
      }
    } catch (err) {
      throw new CredentialStoreError('Unavailable', `writing credentials ${describeRef(ref)} to ${this.dir}: ${errorCode(err) ?? 'cannot write'}`);
    }
  }

  async remove(ref: CredentialRef): Promise<void> {
    try {
      await rm(this.folder(ref), { recursive: true, force: true });
    } catch (err) {
      throw new CredentialStoreError('Unavailable', `removing credentials ${describeRef(ref)} from ${this.dir}: ${errorCode(err) ?? 'cannot remove'}`);
    }
  }
}
