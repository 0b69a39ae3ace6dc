import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { hostname } from 'node:os';
import { chmodPrivate, PRIVATE_FILE_MODE, syncFolder } from './private-files';

/**
 * "Is this data folder open, and was it closed cleanly?" — one marker file per open store:
 * `promptdesk.db-open.<token>` beside the database, written and flushed (file and folder) before
 * the store writes anything, removed when the store closes. A crash, kill -9 or power loss leaves
 * it behind, so the next open knows the folder was not closed cleanly and runs the full check.
 *
 * Several processes may hold the folder at once (`promptdesk serve` and a CLI command, Electron and
 * a test), and nothing else locks it, so each open has its own marker and a marker only counts as
 * left behind when its process is gone: same host, and its pid is not running (or, on Linux, runs
 * a process started at another time: a pid reused after a reboot or in a container). A marker from
 * another host (a folder on a network drive) cannot be judged and counts as left behind, so the
 * check runs rather than being skipped.
 */

export const OPEN_MARKER_INFIX = '-open.';

interface MarkerBody {
  pid: number;
  host: string;
  /** This process's start in clock ticks since boot (/proc/<pid>/stat field 22); null off Linux. */
  started: number | null;
  /** Random per process: tells this process's own markers from those of an earlier one with its pid. */
  process: string;
  openedAt: string;
}

/** A marker another, gone, process left: the folder was not closed cleanly. */
export interface LeftMarker {
  file: string;
  pid: number | null;
  openedAt: string | null;
}

const PROCESS_TOKEN = randomBytes(8).toString('hex');

/** A process's start time in clock ticks since boot (Linux), null elsewhere or when unreadable. */
function processStart(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const value = Number(fields[19]);
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

const OWN_START = processStart(process.pid);

/** Whether process `pid` runs on this machine (also used by core/team/join-team.ts's join lease). */
export function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the process that wrote `body` still runs (so its store may still be open). */
function ownerAlive(body: MarkerBody): boolean {
  if (body.host !== hostname()) return false;
  if (body.pid === process.pid) return body.process === PROCESS_TOKEN;
  if (!running(body.pid)) return false;
  return body.started === null || processStart(body.pid) === null || processStart(body.pid) === body.started;
}

function parse(path: string): MarkerBody | null {
  try {
    const body = JSON.parse(readFileSync(path, 'utf8')) as Partial<MarkerBody>;
    if (typeof body.pid !== 'number' || typeof body.host !== 'string' || typeof body.process !== 'string') return null;
    return { pid: body.pid, host: body.host, started: typeof body.started === 'number' ? body.started : null, process: body.process, openedAt: String(body.openedAt ?? '') };
  } catch {
    return null;
  }
}

function markerFiles(dbPath: string): string[] {
  const dir = dirname(dbPath);
  const prefix = `${basename(dbPath)}${OPEN_MARKER_INFIX}`;
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.startsWith(prefix) && !name.endsWith('.partial'))
    .map((name) => join(dir, name));
}

/**
 * Markers beside `dbPath` whose process is gone (reads only). Non-empty means the folder was not
 * closed cleanly since; an unreadable marker (cut short by a power loss) counts too.
 *
 * @example if (leftOpenMarkers(path).length > 0) … run the full check
 */
export function leftOpenMarkers(dbPath: string): LeftMarker[] {
  const left: LeftMarker[] = [];
  for (const file of markerFiles(dbPath)) {
    const body = parse(file);
    if (body && ownerAlive(body)) continue;
    left.push({ file, pid: body?.pid ?? null, openedAt: body?.openedAt || null });
  }
  return left;
}

/** Whether a marker of a running process (this one included) is beside `dbPath`: the folder is open elsewhere. */
export function openElsewhere(dbPath: string): boolean {
  return markerFiles(dbPath).some((file) => {
    const body = parse(file);
    return body !== null && ownerAlive(body);
  });
}

/** An open store's marker; remove() at a clean close. */
export interface OpenMarker {
  file: string;
  remove(): void;
}

/**
 * Writes this open's marker (0600), flushed with its folder entry before returning, so a crash
 * right after still leaves it on disk.
 */
export function writeOpenMarker(dbPath: string, now = new Date()): OpenMarker {
  const file = `${dbPath}${OPEN_MARKER_INFIX}${process.pid}-${randomBytes(4).toString('hex')}`;
  const body: MarkerBody = { pid: process.pid, host: hostname(), started: OWN_START, process: PROCESS_TOKEN, openedAt: now.toISOString() };
  // Written whole under a `.partial` name (which markerFiles skips), then renamed into place:
  // another process opening the folder at this instant must never read this marker empty, as an
  // empty marker counts as left by a crash and that process would delete it (attack: a concurrent
  // open then failed with ENOENT at the chmod, and this open's crash would have gone unnoticed).
  const partial = `${file}.partial`;
  const fd = openSync(partial, 'wx', PRIVATE_FILE_MODE);
  try {
    writeSync(fd, `${JSON.stringify(body)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodPrivate(partial);
  renameSync(partial, file);
  syncFolder(dirname(file));
  let removed = false;
  return {
    file,
    remove: () => {
      if (removed) return;
      removed = true;
      rmSync(file, { force: true });
      syncFolder(dirname(file));
    },
  };
}

/** Removes markers the full check has cleared (another process may have removed them already). */
export function clearLeftMarkers(markers: readonly LeftMarker[]): void {
  for (const marker of markers) rmSync(marker.file, { force: true });
  if (markers.length > 0) syncFolder(dirname(markers[0]!.file));
}
