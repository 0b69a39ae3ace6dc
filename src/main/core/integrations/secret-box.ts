import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { partialPathFor } from '../../store/private-files';
import { join } from 'node:path';
import type { SecretStorageInfo } from '../../../shared/schemas/integrations';

/** Encrypts provider keys at rest. Electron uses the OS secret store; headless uses a key file. */
export interface SecretBox {
  info(): SecretStorageInfo;
  encrypt(plain: string): Buffer;
  decrypt(sealed: Buffer): string;
}

export const SECRET_KEY_ENV = 'PROMPTDESK_SECRET_KEY';
export const SECRET_KEY_FILE = 'secret.key';

const VERSION = 1;

/** AES-256-GCM: `[version][12-byte iv][16-byte tag][ciphertext]`, so a tampered value fails to open. */
export function aesBox(key: Buffer, info: SecretStorageInfo): SecretBox {
  if (key.length !== 32) throw new Error('The secret key must be 32 bytes');
  return {
    info: () => info,
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
    },
    decrypt(sealed) {
      if (sealed[0] !== VERSION) throw new Error('Unknown secret format');
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 13));
      decipher.setAuthTag(sealed.subarray(13, 29));
      return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]).toString('utf8');
    },
  };
}

/**
 * Headless key storage: the AES key comes from $PROMPTDESK_SECRET_KEY (64 hex chars or base64
 * of 32 bytes) or from `secret.key` in the data folder, created 0600 on first use. A key file
 * other users can read is refused rather than trusted.
 */
export function fileSecretBox(dataDir: string, env: NodeJS.ProcessEnv = process.env): SecretBox {
  const fromEnv = env[SECRET_KEY_ENV];
  if (fromEnv) {
    const key = /^[0-9a-f]{64}$/i.test(fromEnv) ? Buffer.from(fromEnv, 'hex') : Buffer.from(fromEnv, 'base64');
    if (key.length !== 32) throw new Error(`${SECRET_KEY_ENV} must be 32 bytes as 64 hex characters or base64`);
    return aesBox(key, { backend: 'file', message: `Provider keys are encrypted with the key in $${SECRET_KEY_ENV}.` });
  }
  const path = join(dataDir, SECRET_KEY_FILE);
  if (!existsSync(path)) createKeyFile(path);
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
    throw new Error(`${path} is readable by other users; run "chmod 600 ${path}" (it encrypts your provider keys)`);
  }
  chmodSync(path, 0o600);
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'hex');
  return aesBox(key, {
    backend: 'file',
    message: `Provider keys are encrypted with a key kept in ${path} (readable by you only). Set $${SECRET_KEY_ENV} to keep it elsewhere.`,
  });
}

/**
 * Writes a new key file whole or not at all: into a 0600 file beside it, then linked to its name,
 * which fails if the name exists. Two processes opening a new data folder at once (attack 14b
 * N6) then both use the key of the one that linked first, never a half-written file or a key the
 * other one replaced.
 */
function createKeyFile(path: string): void {
  const partial = partialPathFor(path);
  writeFileSync(partial, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(partial, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(partial, { force: true });
  }
}

/**
 * `sk-…3xQ9`: enough to tell keys apart, never enough to use one. It is stored in plain text and
 * shown to admins, so at least 8 characters, and as many as are shown, stay hidden: a short
 * key gets its last 4 characters or nothing (`password-1234` was hinted `password-…1234`, all of
 * it).
 */
export function keyHint(key: string): string {
  const trimmed = key.trim();
  const hidesEnough = (shown: number) => trimmed.length - shown >= Math.max(8, shown);
  const prefix = /^[A-Za-z]{2,8}-/.exec(trimmed)?.[0] ?? '';
  if (prefix && hidesEnough(prefix.length + 4)) return `${prefix}…${trimmed.slice(-4)}`;
  return hidesEnough(4) ? `…${trimmed.slice(-4)}` : '…';
}
