import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../../helpers/workspace';
import { http } from '../../../../helpers/http';
import type { TelemetryStatus } from '../../../../../src/shared/schemas/telemetry';
import { cliEntry } from '../../../../helpers/cli-entry';

/**
 * Attack 15a F6/F7, as an operator meets them: `promptdesk serve` in its own process with the
 * OTEL_* variables set, its start-up lines, and what Settings → Telemetry (telemetry:status) shows.
 * Nothing listens on the collector port: export is off or failing, which is all these need.
 */

const ROOT = join(__dirname, '../../../../..');
const dirs: ReturnType<typeof tempDir>[] = [];
afterAll(() => dirs.forEach((d) => d.cleanup()));

/** Starts serve, reads telemetry:status as the owner, stops it (SIGTERM) and returns what it printed. */
async function serveOnce(args: string[], env: NodeJS.ProcessEnv): Promise<{ stderr: string; status: TelemetryStatus }> {
  const dir = tempDir();
  dirs.push(dir);
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_')));
  const child = spawn(process.execPath, [...cliEntry(), 'serve', '--data-dir', dir.dir, '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  try {
    const { port, session } = await new Promise<{ port: number; session: string }>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /Open http:\/\/127\.0\.0\.1:(\d+)\/#session=(\S+)/.exec(out);
        if (match && /Other members sign in/.test(out)) resolve({ port: Number(match[1]), session: match[2]! });
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}${stderr}`)));
    });
    const res = await http(port, 'POST', '/bridge/telemetry:status', { headers: { 'content-type': 'application/json', 'x-promptdesk-session': session }, body: '{}' });
    const status = (res.json() as { value: TelemetryStatus }).value;
    child.kill('SIGTERM');
    await closed;
    return { stderr, status };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

describe('serve with OTEL_* variables', () => {
  it('F6: OTEL_SDK_DISABLED=true with --otlp-endpoint prints one warning at start and Settings shows it', async () => {
    const { stderr, status } = await serveOnce(['--otlp-endpoint', 'http://127.0.0.1:9/v1/traces'], { OTEL_SDK_DISABLED: 'true' });
    expect(stderr).toContain('promptdesk: warning: runs are not exported to OpenTelemetry: OTEL_SDK_DISABLED=true turns export off, over --otlp-endpoint\n');
    expect(stderr.match(/OpenTelemetry/g)).toHaveLength(1);
    expect(status.effective).toMatchObject({ enabled: false, endpointSource: 'flag', warning: 'OTEL_SDK_DISABLED=true turns export off, over --otlp-endpoint' });
  }, 60_000);

  it('F7: OTEL_EXPORTER_OTLP_ENDPOINT with a query: /v1/traces before the query, and the query value masked in Settings', async () => {
    const { stderr, status } = await serveOnce([], { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9/base/?token=QSEKRET77' });
    expect(stderr).not.toContain('OpenTelemetry');
    expect(status.effective).toMatchObject({ enabled: true, endpointSource: 'env', warning: null, endpoint: 'http://127.0.0.1:9/base/v1/traces?token=…ET77' });
    expect(JSON.stringify(status)).not.toContain('QSEKRET77');
  }, 60_000);
});
