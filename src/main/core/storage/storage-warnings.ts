import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../../store/private-files';
import { DB_FILE } from '../workspace';
import { isExportFileName } from '../logs/log-export';

/** What the data-folder check looked at; `exportsDir` is checked only for Promptdesk's own exports. */
export interface StorageCheckOptions {
  exportsDir?: string;
  /** Defaults to process.platform; on 'win32' nothing is checked (profile ACLs, not modes, apply). */
  platform?: NodeJS.Platform;
}

/** Files of the data folder that hold workspace data: the database, its side files, backups, the key file. */
function isPrivateDataFile(name: string): boolean {
  return name.startsWith(DB_FILE) || name === 'secret.key';
}

const octal = (mode: number) => (mode & 0o777).toString(8).padStart(3, '0');

/**
 * Warnings, one sentence each, for data other users of this machine can read or change: the data
 * folder looser than 0700, and the database, its side files (-wal, -shm, -journal, -seal), backups
 * (*.bak), secret.key and log exports looser than 0600. Each says how to fix it. Empty when all is
 * private, and on Windows, where POSIX modes do not exist (the profile folder's ACLs protect it).
 * The one place these warnings are computed: `promptdesk serve` prints them, Settings shows them.
 *
 * @example storageWarnings('/home/ada/.promptdesk') // ['The data folder … is open to other users (mode 755): run chmod 700 …']
 */
export function storageWarnings(dataDir: string, options: StorageCheckOptions = {}): string[] {
  if ((options.platform ?? process.platform) === 'win32' || !existsSync(dataDir)) return [];
  const warnings: string[] = [];
  const dirMode = statSync(dataDir).mode;
  if ((dirMode & 0o077) !== 0) {
    warnings.push(
      `The data folder ${dataDir} is open to other users (mode ${octal(dirMode)}): run chmod ${octal(PRIVATE_DIR_MODE)} "${dataDir}"`,
    );
  }
  const files = (dir: string, keep: (name: string) => boolean) =>
    existsSync(dir) ? readdirSync(dir).filter(keep).map((name) => join(dir, name)) : [];
  const exportsDir = options.exportsDir ?? join(dataDir, 'exports');
  for (const path of [...files(dataDir, isPrivateDataFile), ...files(exportsDir, isExportFileName)]) {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat?.isFile() || (stat.mode & 0o077) === 0) continue;
    warnings.push(`${path} can be read by other users (mode ${octal(stat.mode)}): run chmod ${octal(PRIVATE_FILE_MODE)} "${path}"`);
  }
  return warnings;
}
