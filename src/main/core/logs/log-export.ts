import { randomUUID } from 'node:crypto';
import { closeSync, createWriteStream, fsyncSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { chmodPrivate, ensurePrivateDir, finalNameOf, partialPathFor, PRIVATE_FILE_MODE, syncFolder } from '../../store/private-files';
import { storageErrorOf } from '../../store/storage-errors';
import type { Ctx } from '../context';
import { AppError, notFound } from '../errors';
import type { Cursor, LogQuery, LogRow } from '../../store/repos/logs-repo';
import type { EXPORT_FORMATS, LogExportStatus } from '../../../shared/schemas/logs';
// A cell a spreadsheet would run as a formula is prefixed with a quote (OWASP CSV injection).
import { csvCell } from './csv-cell';

type Format = (typeof EXPORT_FORMATS)[number];

const PAGE = 2000;

const CSV_COLUMNS = [
  'id', 'started_at', 'prompt', 'version', 'source', 'member', 'key_label', 'model', 'status', 'latency_ms', 'ttft_ms',
  'tokens_in', 'tokens_out', 'data_logging', 'rating', 'rating_comment', 'error', 'variables', 'output',
] as const;

function exportRecord(row: LogRow, member: string | null) {
  return {
    id: row.id,
    started_at: new Date(row.started_at).toISOString(),
    prompt: row.prompt_name,
    version: row.version,
    source: row.source,
    member,
    key_label: row.key_label,
    model: row.model,
    status: row.status,
    latency_ms: row.latency_ms,
    ttft_ms: row.ttft_ms,
    tokens_in: row.tokens_in,
    tokens_out: row.tokens_out,
    data_logging: row.data_logging,
    rating: row.rating,
    rating_comment: row.rating_comment,
    error: row.error,
    variables: row.variables,
    output: row.output,
  };
}

/** Opens the file an export is written into (a temporary name); tests pass one that fails like a full disk. */
export type OpenExportFile = (path: string) => Writable;

const openExportFile: OpenExportFile = (path) => createWriteStream(path, { flags: 'wx', mode: PRIVATE_FILE_MODE });

/** A partial export untouched this long was left by a process that died mid-export (a live one writes every page). */
export const ABANDONED_PARTIAL_MS = 3_600_000;

const EXPORT_FILE_NAME = /^promptdesk-logs-.*\.(csv|jsonl)$/;

/** An export's file name: a finished one, or the hidden partial file of one being written (the same rows). */
export function isExportFileName(name: string): boolean {
  return EXPORT_FILE_NAME.test(finalNameOf(name) ?? name);
}

/** Removes this app's abandoned `.promptdesk-logs-….partial` files; never a finished export or another file. */
function removeAbandonedPartials(dir: string, now = Date.now()): void {
  for (const name of readdirSync(dir)) {
    if (finalNameOf(name) === null || !isExportFileName(name)) continue;
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat?.isFile() && now - stat.mtimeMs > ABANDONED_PARTIAL_MS) rmSync(path, { force: true });
  }
}

/**
 * Exports run in the background, a page of rows at a time, into a file: memory stays flat
 * however many rows match, the event loop keeps serving between pages, and the renderer polls
 * the progress.
 */
export class ExportJobs {
  private readonly jobs = new Map<string, LogExportStatus & { ownerId: string }>();
  /** Set by the headless host: where the browser downloads a finished file. */
  downloadBase: string | null = null;

  constructor(
    private readonly dir: string,
    private readonly openFile: OpenExportFile = openExportFile,
  ) {}

  start(ctx: Ctx, query: LogQuery, format: Format): LogExportStatus {
    ensurePrivateDir(this.dir);
    removeAbandonedPartials(this.dir);
    const exportId = randomUUID();
    const stamp = ctx.clock.now().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    // The desktop writes into Downloads: a readable name, with a short suffix so two exports in one second differ.
    const fileName = `promptdesk-logs-${stamp}-${exportId.slice(0, 6)}.${format}`;
    const path = join(this.dir, fileName);
    const job = {
      exportId,
      ownerId: ctx.actor.id,
      format,
      state: 'running' as LogExportStatus['state'],
      rows: 0,
      total: ctx.store.logs.count(query),
      bytes: 0,
      fileName,
      path,
      downloadUrl: this.downloadBase ? `${this.downloadBase}${exportId}` : null,
      error: null as string | null,
    };
    this.jobs.set(exportId, job);
    void this.write(ctx, query, format, job).catch((error: Error) => {
      job.state = 'error';
      // A full disk or read-only folder says so (and that nothing was saved), as at every other door.
      job.error = storageErrorOf(error)?.message ?? error.message;
    });
    return this.view(job);
  }

  status(ctx: Ctx, exportId: string): LogExportStatus {
    const job = this.jobs.get(exportId);
    if (!job || job.ownerId !== ctx.actor.id) throw notFound('Export');
    return this.view(job);
  }

  /**
   * The finished file of the caller's export, for the headless download route. A file removed
   * since (by hand, or a cleanup) is a 404 saying so: streaming it answered 200 with an empty
   * body, a download indistinguishable from an export with no rows.
   */
  file(ctx: Ctx, exportId: string): { path: string; fileName: string; format: Format } {
    const job = this.jobs.get(exportId);
    if (!job || job.ownerId !== ctx.actor.id || job.state !== 'done') throw notFound('Export');
    if (!statSync(job.path!, { throwIfNoEntry: false })?.isFile()) {
      throw new AppError('not_found', 'The export file is no longer on disk: export again');
    }
    return { path: job.path!, fileName: job.fileName, format: job.format };
  }

  private view({ ownerId: _owner, ...job }: LogExportStatus & { ownerId: string }): LogExportStatus {
    return { ...job };
  }

  /**
   * Writes the export under a temporary name beside the final one and renames it only once every
   * row is on disk, so a file with the export's name is always complete: an interrupted export (a
   * crash, a full disk) leaves at most a hidden `.….partial` file, removed when the failure is seen.
   */
  private async write(ctx: Ctx, query: LogQuery, format: Format, job: LogExportStatus): Promise<void> {
    const partial = partialPathFor(job.path!);
    try {
      await pipeline(Readable.from(this.chunks(ctx, query, format, job)), this.openFile(partial));
      // Opened for writing (never truncated): Windows flushes only a handle with write access, and a
      // read-only one failed with EPERM, which reads as a read-only data folder.
      const fd = openSync(partial, 'r+');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      chmodPrivate(partial);
      renameSync(partial, job.path!);
      syncFolder(this.dir);
    } catch (error) {
      rmSync(partial, { force: true });
      throw error;
    }
    job.state = 'done';
  }

  private async *chunks(ctx: Ctx, query: LogQuery, format: Format, job: LogExportStatus): AsyncGenerator<string> {
    const names = new Map<string, string>();
    const member = (id: string | null) => {
      if (!id) return null;
      if (!names.has(id)) names.set(id, ctx.store.users.get(id)?.name ?? 'Removed member');
      return names.get(id)!;
    };
    if (format === 'csv') {
      const header = `${CSV_COLUMNS.join(',')}\r\n`;
      job.bytes += Buffer.byteLength(header);
      yield header;
    }
    let cursor: Cursor | null = null;
    for (;;) {
      const rows = ctx.store.logs.page(query, cursor, PAGE, 'all');
      if (rows.length === 0) break;
      let chunk = '';
      for (const row of rows) {
        const record = exportRecord(row, member(row.user_id));
        chunk +=
          format === 'csv'
            ? `${CSV_COLUMNS.map((c) => csvCell(record[c])).join(',')}\r\n`
            : `${JSON.stringify({ ...record, variables: row.variables === null ? null : JSON.parse(row.variables) })}\n`;
      }
      job.bytes += Buffer.byteLength(chunk);
      yield chunk;
      job.rows += rows.length;
      const last = rows.at(-1)!;
      cursor = { startedAt: last.started_at, seq: last.seq };
      // Let runs, logs and other requests through between pages.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
