import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../helpers/workspace';
import { serveProcess, type ServeProcess } from '../../../helpers/serve-process';
import { http } from '../../../helpers/http';
import type { DataCheckStatus } from '../../../../src/shared/schemas/data-check';

const dir = tempDir();
afterAll(() => dir.cleanup());

const serve = () => serveProcess(dir.dir);

async function status(served: ServeProcess, channel = 'storage:checkStatus'): Promise<DataCheckStatus> {
  const res = await http(served.port, 'POST', `/bridge/${channel}`, {
    headers: { 'content-type': 'application/json', 'x-promptdesk-session': served.session },
    body: '{}',
  });
  expect(res.status).toBe(200);
  const body = res.json() as { ok: boolean; value: DataCheckStatus };
  expect(body.ok).toBe(true);
  return body.value;
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

describe('storage:checkStatus / storage:checkNow over the bridge of a real `promptdesk serve`', () => {
  it('a new folder: no check; kill -9: the next start ran it (unclean-shutdown); Check now; a clean restart runs none', async () => {
    let served = await serve();
    expect(await status(served)).toEqual({ lastCheck: null, running: false });

    await stop(served.child, 'SIGKILL');
    served = await serve();
    const afterKill = await status(served);
    expect(afterKill).toMatchObject({ running: false, lastCheck: { reason: 'unclean-shutdown', kind: 'quick', result: 'ok', message: null } });

    const onDemand = await status(served, 'storage:checkNow');
    expect(onDemand).toMatchObject({ running: false, lastCheck: { reason: 'on-demand', kind: 'full', result: 'ok' } });

    await stop(served.child, 'SIGTERM');
    served = await serve();
    // Closed cleanly: the start checked nothing, so the last check is still the on-demand one.
    expect(await status(served)).toEqual(onDemand);
    await stop(served.child, 'SIGTERM');
  }, 60_000);
});
