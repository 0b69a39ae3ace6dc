import { existsSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { endianness } from 'node:os';
import { readDbFileAt, withDbFile } from './db-file-reads';

/**
 * Checks, with plain file reads and before SQLite ever opens the folder, that `promptdesk.db` and
 * its side files (`-wal`, `-shm`, `-journal`) belong together. SQLite would apply any valid-looking
 * WAL at open and fold it into the database at close, so a WAL from another database (a copied
 * folder, a restored backup, another copy killed with -9) would silently replace the data.
 *
 * How a WAL is known to be this database's: every time Promptdesk starts a new WAL generation it
 * writes a fresh random "seal" into the database header's application_id (a page-1 write, so the
 * WAL holds it) and records it in `promptdesk.db-seal` beside the file (see wal-seal.ts). A WAL with
 * committed frames must carry a page-1 frame with a seal of the current generation, and the database
 * file's own header must show the seal it had when that generation began, or one the generation
 * committed (a checkpoint copies page 1 back). An older WAL of the same database fails the first
 * test; a database file from before or after the generation (a backup, a copy) fails the second.
 *
 * SQLite file formats: https://www.sqlite.org/fileformat2.html (WAL: section 4; journal: 4.1.1).
 */

/** Why a data folder was refused; the message names the file and what to do. */
export interface SideFileProblem {
  file: string;
  message: string;
}

/**
 * The seal list of the current WAL generation: `wal`, the seals committed into this WAL (one must
 * be in it); `file`, the seals the database file may show (its seal when the generation began, then
 * any the generation commits, as a checkpoint copies page 1 back).
 */
export interface SealRecord {
  wal: number[];
  file: number[];
}

export const SEAL_SUFFIX = '-seal';
const WAL_MAGIC_LE = 0x377f0682;
const WAL_MAGIC_BE = 0x377f0683;
const WAL_VERSION = 3007000;
const WAL_HEADER = 32;
const FRAME_HEADER = 24;
const JOURNAL_MAGIC = Buffer.from([0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7]);
/** Offsets in the 100-byte database header (page 1). */
const DB_PAGE_SIZE_AT = 16;
const DB_USER_VERSION_AT = 60;
const DB_APPLICATION_ID_AT = 68;

function sizeOf(path: string): number | null {
  return existsSync(path) ? statSync(path).size : null;
}

/** Raw reads go through db-file-reads.ts: they refuse while this process's SQLite holds the file. */
const readAt = readDbFileAt;

/** The database header's page size in bytes (the stored value 1 means 65536). */
function pageSizeOf(header: Buffer): number {
  const raw = header.readUInt16BE(DB_PAGE_SIZE_AT);
  return raw === 1 ? 65536 : raw;
}

/**
 * The seal in a database file's header (its application_id); 0 for an empty or missing file or one
 * never sealed (written by a Promptdesk from before seals).
 */
export function readFileSeal(dbPath: string): number {
  const header = existsSync(dbPath) ? readAt(dbPath, 0, 100) : Buffer.alloc(0);
  return header.length >= 100 ? header.readInt32BE(DB_APPLICATION_ID_AT) : 0;
}

/** The seal list beside `dbPath`, or null when there is none (or it cannot be parsed). */
export function readSealRecord(dbPath: string): SealRecord | null {
  const path = `${dbPath}${SEAL_SUFFIX}`;
  if (!existsSync(path)) return null;
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<SealRecord>;
    const isList = (list: unknown): list is number[] => Array.isArray(list) && list.every((s) => Number.isInteger(s));
    return isList(parsed.wal) && isList(parsed.file) ? { wal: parsed.wal, file: parsed.file } : null;
  } catch {
    return null;
  }
}

const HOST_IS_BIG_ENDIAN = endianness() === 'BE';

/**
 * SQLite's WAL checksum over 32-bit words (byte order from the magic), continuing from `[s0, s1]`.
 * Words are read through a Uint32Array (swapped first when the WAL's order is not the host's): at
 * about 1 ms per MiB it keeps the check small next to SQLite's own recovery (see bench:store).
 */
export function walChecksum(data: Buffer, bigEndian: boolean, s0: number, s1: number): [number, number] {
  const length = data.length - (data.length % 8);
  let bytes = data.subarray(0, length);
  if (bigEndian !== HOST_IS_BIG_ENDIAN || bytes.byteOffset % 4 !== 0) {
    bytes = Buffer.from(bytes);
    if (bigEndian !== HOST_IS_BIG_ENDIAN) bytes.swap32();
  }
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, length / 4);
  for (let i = 0; i < words.length; i += 2) {
    s0 = (s0 + words[i]! + s1) >>> 0;
    s1 = (s1 + words[i + 1]! + s0) >>> 0;
  }
  return [s0, s1];
}

/** What the committed part of a WAL would do to the database. */
interface WalSummary {
  committedFrames: number;
  /** application_id of every committed page-1 frame. */
  seals: Set<number>;
  /** user_version of the last committed page-1 frame, if any. */
  userVersion: number | null;
}

/**
 * Reads a WAL as SQLite's recovery would, but refuses instead of skipping what does not fit: a
 * frame whose salts differ from the header's while its checksum continues the log's was written
 * in this generation and damaged or spliced. A frame that does not continue the checksums ends the
 * log, as in SQLite: a torn last write, or (other salts) a frame left from an earlier generation
 * past the end of a log SQLite restarted from the file's start.
 */
function readWal(walPath: string, dbPageSize: number | null): WalSummary | SideFileProblem {
  const name = basename(walPath);
  const moveAway = `Move ${name} out of the folder (keep a copy) and start Promptdesk again; the database is used without it.`;
  return withDbFile(walPath, (fd) => {
    const header = Buffer.alloc(WAL_HEADER);
    if (readSync(fd, header, 0, WAL_HEADER, 0) < WAL_HEADER) {
      // SQLite treats a WAL shorter than its header as empty.
      return { committedFrames: 0, seals: new Set(), userVersion: null };
    }
    const magic = header.readUInt32BE(0);
    if (magic !== WAL_MAGIC_LE && magic !== WAL_MAGIC_BE) {
      return { file: name, message: `${name} is not an SQLite write-ahead log. ${moveAway}` };
    }
    const bigEndian = magic === WAL_MAGIC_BE;
    if (header.readUInt32BE(4) !== WAL_VERSION) {
      return { file: name, message: `${name} has an unknown WAL format version. ${moveAway}` };
    }
    const pageSize = header.readUInt32BE(8);
    if (dbPageSize !== null && pageSize !== dbPageSize) {
      return { file: name, message: `${name} belongs to another database (page size ${pageSize}, the database uses ${dbPageSize}). ${moveAway}` };
    }
    let [s0, s1] = walChecksum(header.subarray(0, 24), bigEndian, 0, 0);
    if (s0 !== header.readUInt32BE(24) || s1 !== header.readUInt32BE(28)) {
      return { file: name, message: `${name} has a damaged header. ${moveAway}` };
    }
    const salt1 = header.readUInt32BE(16);
    const salt2 = header.readUInt32BE(20);
    const frame = Buffer.alloc(FRAME_HEADER + pageSize);
    const summary: WalSummary = { committedFrames: 0, seals: new Set(), userVersion: null };
    let pendingSeals: number[] = [];
    let pendingVersion: number | null = null;
    for (let index = 0, offset = WAL_HEADER; ; index++, offset += frame.length) {
      if (readSync(fd, frame, 0, frame.length, offset) < frame.length) break;
      // A frame header of zeros is space the file grew by but a crash never filled: the end of the log.
      if (frame.subarray(0, FRAME_HEADER).every((byte) => byte === 0)) break;
      const ownSalts = frame.readUInt32BE(8) === salt1 && frame.readUInt32BE(12) === salt2;
      const [c0, c1] = walChecksum(frame.subarray(FRAME_HEADER), bigEndian, ...walChecksum(frame.subarray(0, 8), bigEndian, s0, s1));
      const chained = c0 === frame.readUInt32BE(16) && c1 === frame.readUInt32BE(20);
      if (!ownSalts) {
        // The checksum does not cover the salts: a frame that continues this log's checksums was
        // written in this generation, so other salts on it are damage or a splice. One that does
        // not is left over from an earlier generation (SQLite restarts a WAL from its start without
        // cutting the file, as Promptdesk before seals did): SQLite's recovery ends the log there.
        if (!chained) break;
        return {
          file: name,
          message: `${name} holds frames from another write-ahead log (frame ${index + 1}'s salts differ from its header). ${moveAway}`,
        };
      }
      [s0, s1] = [c0, c1];
      if (!chained) break;
      if (frame.readUInt32BE(0) === 1) {
        pendingSeals.push(frame.readInt32BE(FRAME_HEADER + DB_APPLICATION_ID_AT));
        pendingVersion = frame.readUInt32BE(FRAME_HEADER + DB_USER_VERSION_AT);
      }
      // A commit frame carries the database size after the commit; only committed frames are applied.
      if (frame.readUInt32BE(4) !== 0) {
        summary.committedFrames = index + 1;
        pendingSeals.forEach((s) => summary.seals.add(s));
        if (pendingVersion !== null) summary.userVersion = pendingVersion;
        pendingSeals = [];
        pendingVersion = null;
      }
    }
    return summary;
  });
}

export interface SideFileCheck {
  /** The schema version the database will have once SQLite applies the WAL (0 for a new file). */
  userVersion: number;
}

/**
 * Refuses (returns the problem) unless `dbPath` and its side files belong together; reads only.
 * Passes: no side files; an empty or header-only WAL; a WAL of this database's current generation
 * (left by a crash or kill -9: SQLite recovers it); a `-shm` (SQLite rebuilds it); a journal that
 * is not hot. Refuses: side files without a database, a hot `-journal` (Promptdesk always uses
 * WAL, so it is another database's or an older copy's), a WAL of another page size, damaged, with
 * foreign frames, or whose committed changes cannot be matched to this database by its seal.
 *
 * @example const result = checkSideFiles('/data/promptdesk.db'); if ('message' in result) throw …
 */
export function checkSideFiles(dbPath: string): SideFileCheck | SideFileProblem {
  // The files are read one after another while another Promptdesk process on the folder may be
  // checkpointing and resealing between the reads (a new WAL generation and its record): a refusal
  // counts only if the files were the same before and after the reads that led to it.
  for (let attempt = 1; ; attempt++) {
    const before = stampOf(dbPath);
    const result = checkSideFilesOnce(dbPath);
    if (!('message' in result) || attempt === STABLE_READ_ATTEMPTS || stampOf(dbPath) === before) return result;
    Atomics.wait(PAUSE, 0, 0, 10 * attempt);
  }
}

const STABLE_READ_ATTEMPTS = 5;
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/** Size and modification time (ns) of the database, its WAL and its seal record, as one string. */
function stampOf(dbPath: string): string {
  return [dbPath, `${dbPath}-wal`, `${dbPath}${SEAL_SUFFIX}`]
    .map((path) => {
      const stat = statSync(path, { throwIfNoEntry: false, bigint: true });
      return stat ? `${stat.size}:${stat.mtimeNs}:${stat.ino}` : '-';
    })
    .join('|');
}

function checkSideFilesOnce(dbPath: string): SideFileCheck | SideFileProblem {
  const name = basename(dbPath);
  const dbSize = sizeOf(dbPath) ?? 0;
  const header = dbSize > 0 ? readAt(dbPath, 0, 100) : Buffer.alloc(0);
  const dbPageSize = header.length >= 100 ? pageSizeOf(header) : null;
  const journalPath = `${dbPath}-journal`;
  const walPath = `${dbPath}-wal`;
  // A folder (or device, socket...) under a side file's name: SQLite would fail on it with a bare EISDIR.
  for (const path of [journalPath, walPath, `${dbPath}-shm`, `${dbPath}${SEAL_SUFFIX}`]) {
    if (existsSync(path) && !statSync(path).isFile()) {
      return {
        file: basename(path),
        message: `${basename(path)} in the data folder is not a file, so ${name} cannot be opened safely. Move it out of the folder and start Promptdesk again.`,
      };
    }
  }

  const journalSize = sizeOf(journalPath) ?? 0;
  if (journalSize >= JOURNAL_MAGIC.length && readAt(journalPath, 0, JOURNAL_MAGIC.length).equals(JOURNAL_MAGIC)) {
    return {
      file: basename(journalPath),
      message:
        `${basename(journalPath)} is a rollback journal SQLite would play back into ${name}, but Promptdesk keeps its changes in a ` +
        `write-ahead log and never leaves a journal: it comes from another database or an older copy of this one. ` +
        `Move it out of the folder (keep a copy) and start Promptdesk again.`,
    };
  }

  const walSize = sizeOf(walPath) ?? 0;
  if (walSize === 0) return { userVersion: header.length >= 100 ? header.readUInt32BE(DB_USER_VERSION_AT) : 0 };
  if (dbPageSize === null) {
    return {
      file: basename(walPath),
      message: `${basename(walPath)} has no ${name} beside it (a database folder copied in part?). Put the matching ${name} back, or move ${basename(walPath)} out of the folder to start empty.`,
    };
  }
  const wal = readWal(walPath, dbPageSize);
  if ('message' in wal) return wal;
  const dbVersion = header.readUInt32BE(DB_USER_VERSION_AT);
  if (wal.committedFrames === 0) return { userVersion: dbVersion };

  const record = readSealRecord(dbPath);
  const fileSeal = header.readInt32BE(DB_APPLICATION_ID_AT);
  const walName = basename(walPath);
  const keepOrMove =
    `If you copied or restored files into this folder, put back the ${name}, ${walName} and ${name}${SEAL_SUFFIX} that were copied together; ` +
    `otherwise move ${walName} out of the folder (keep a copy; its unsaved changes are lost) and start Promptdesk again.`;
  if (!record) {
    // A database from before seals (fileSeal 0) crashed with its WAL: structural checks are all we have.
    if (fileSeal === 0) return { userVersion: wal.userVersion ?? dbVersion };
    return { file: `${name}${SEAL_SUFFIX}`, message: `${name}${SEAL_SUFFIX} is missing or unreadable, so ${walName} cannot be matched to ${name}. ${keepOrMove}` };
  }
  const known = new Set(record.wal);
  if (![...wal.seals].some((seal) => known.has(seal))) {
    return {
      file: walName,
      message: `${walName} was not written by this database (another copy of the folder, a restored file, or a Promptdesk version without this check). ${keepOrMove}`,
    };
  }
  if (!record.file.includes(fileSeal)) {
    return {
      file: name,
      message: `${name} is older or newer than its ${walName} (restored from a backup, or copied while Promptdesk was running). ${keepOrMove}`,
    };
  }
  return { userVersion: wal.userVersion ?? dbVersion };
}
