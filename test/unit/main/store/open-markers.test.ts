import { afterEach, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { tempDir } from '../../../helpers/workspace';
import type * as NodeFs from 'node:fs';

// Runs a hook in the middle of each write the marker code makes: another process opening the
// folder at that instant sees the folder as it is then.
let duringWrite: (() => void) | undefined;
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof NodeFs>();
  const writeSync = ((...args: Parameters<typeof fs.writeSync>) => {
    duringWrite?.();
    return (fs.writeSync as (...a: unknown[]) => number)(...args);
  }) as typeof fs.writeSync;
  return { ...fs, default: { ...fs, writeSync }, writeSync };
});

const { leftOpenMarkers, openElsewhere, writeOpenMarker } = await import('../../../../src/main/store/open-markers');

const cleanups: (() => void)[] = [];
afterEach(() => {
  duringWrite = undefined;
  for (const c of cleanups.splice(0)) c();
});

// Attack (concurrent opens): a marker was created empty under its final name and then written, so
// another process opening the folder in between read it as left by a crash and deleted it; the
// writer's chmod then failed with ENOENT, and its own crash would have gone unnoticed.
describe('an open marker being written', () => {
  it('is never seen by another opener as left by a crash, and is whole once written', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const dbPath = join(t.dir, 'promptdesk.db');
    const seen: unknown[] = [];
    duringWrite = () => seen.push(leftOpenMarkers(dbPath));
    const marker = writeOpenMarker(dbPath);
    duringWrite = undefined;
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).toEqual(seen.map(() => []));
    expect(leftOpenMarkers(dbPath)).toEqual([]);
    expect(openElsewhere(dbPath)).toBe(true);
    marker.remove();
    expect(openElsewhere(dbPath)).toBe(false);
  });
});
