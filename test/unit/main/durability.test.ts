import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../helpers/fake-provider';
import { seedPrompt, tempDir } from '../../helpers/workspace';
import { http } from '../../helpers/http';
import { openWorkspace } from '../../../src/main/core/workspace';
import { saveIntegration } from '../../../src/main/core/integrations/integrations';
import { createKey } from '../../../src/main/core/keys/keys-service';
import { SaveIntegrationInput } from '../../../src/shared/schemas/integrations';
import { cliEntry } from '../../helpers/cli-entry';

const ROOT = join(__dirname, '../../..');

let provider: FakeProvider;
let dir: ReturnType<typeof tempDir>;
let key: string;

beforeAll(async () => {
  provider = await startFakeProvider();
  dir = tempDir();
  const workspace = openWorkspace(dir.dir);
  const owner = workspace.as(workspace.owner.id);
  saveIntegration(owner, SaveIntegrationInput.parse({ name: 'local', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['echo'] }));
  seedPrompt(owner, 'burst', 'Count {{n}}', { api: true });
  key = createKey(owner, { userEmail: owner.actor.email, label: 'burst' }).key;
  workspace.close();
});
afterAll(async () => {
  await provider.close();
  dir.cleanup();
});

/** `promptdesk serve` in its own process, as users run it; resolves with its port. */
function serve(): Promise<{ child: ChildProcess; port: number }> {
  // Never the tsx binary (see cliEntry): that one forks, and SIGKILL would miss the server.
  const child = spawn(process.execPath, [...cliEntry(), 'serve', '--data-dir', dir.dir, '--port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const port = /API: http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1];
      if (port) resolve({ child, port: Number(port) });
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
}

describe('log durability', () => {
  it('keeps every run that got a 2xx answer when the server is killed mid-burst', async () => {
    const { child, port } = await serve();
    const acknowledged: string[] = [];
    let stop = false;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        try {
          const res = await http(port, 'POST', '/api/v1/prompts/burst/run', {
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify({ variables: { n: `${w}-${i}` }, model: 'local:echo' }),
          });
          if (res.status >= 200 && res.status < 300) acknowledged.push((res.json() as { runId: string }).runId);
        } catch {
          return; // The connection died with the server.
        }
      }
    };
    const workers = Array.from({ length: 16 }, (_, w) => worker(w));
    while (acknowledged.length < 150) await new Promise((r) => setTimeout(r, 5));
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    stop = true;
    await Promise.all([exited, ...workers]);
    // Nothing answers any more: the process that was killed was the server.
    await expect(http(port, 'GET', '/api/v1/health')).rejects.toThrow();
    // The kill left the answered runs in the WAL: they must be recovered, not refused as foreign.
    expect(statSync(join(dir.dir, 'promptdesk.db-wal')).size).toBeGreaterThan(32);

    const workspace = openWorkspace(dir.dir);
    try {
      expect(workspace.store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      const logged = new Set(
        (workspace.store.db.prepare('SELECT id FROM run_logs').all() as { id: string }[]).map((r) => r.id),
      );
      const lost = acknowledged.filter((id) => !logged.has(id));
      expect(acknowledged.length).toBeGreaterThanOrEqual(150);
      expect(lost).toEqual([]);
    } finally {
      workspace.close();
    }
  }, 60_000);
});
