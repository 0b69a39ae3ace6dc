import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, type ClientRequest } from 'node:http';
import { startBridgeHost, expectProblem, type BridgeHost } from '../../../helpers/host';
import { http } from '../../../helpers/http';
import { member, seedPrompt } from '../../../helpers/workspace';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import { updatePrompt } from '../../../../src/main/core/prompts/prompts-service';
import { setSharingLevel } from '../../../../src/main/core/sharing/sharing-service';
import { UpdatePromptInput } from '../../../../src/shared/schemas/prompts';
import type { Ctx } from '../../../../src/main/core/context';
import type { ChangeEvent } from '../../../../src/shared/schemas/changes';

/** `GET /bridge/changes` read over node:http (loopback), as the renderer's app-events layer reads it. */
function stream(port: number, token: string, lastEventId?: string) {
  let req!: ClientRequest;
  let buffer = '';
  const state = { events: [] as ChangeEvent[], raw: '', status: 0, seqHeader: '', ended: false };
  const waiters: (() => void)[] = [];
  const poke = () => waiters.splice(0).forEach((w) => w());
  const opened = new Promise<void>((resolve, reject) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${port}`, 'x-promptdesk-session': token };
    if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
    req = request({ host: '127.0.0.1', port, path: '/bridge/changes', agent: false, headers }, (res) => {
      state.status = res.statusCode ?? 0;
      state.seqHeader = String(res.headers['promptdesk-seq'] ?? '');
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        state.raw += chunk;
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const data = buffer.slice(0, end).split('\n').find((line) => line.startsWith('data:'));
          buffer = buffer.slice(end + 2);
          if (data) state.events.push(JSON.parse(data.slice(5)) as ChangeEvent);
        }
        poke();
      });
      res.on('end', () => {
        state.ended = true;
        poke();
      });
      res.on('error', () => undefined);
      resolve();
    });
    req.on('error', reject);
    req.end();
  });
  const until = async (test: () => boolean) => {
    while (!test()) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  return { state, opened, until, close: () => req.destroy() };
}

let served: BridgeHost;
let owner: Ctx;
let bobToken = '';
beforeAll(async () => {
  served = await startBridgeHost({ failedSignInsPerMinute: 1000 });
  owner = served.host.workspace.as(served.host.workspace.owner.id);
  seedPrompt(owner, 'shared-one', 'Shared {{who}}');
  setSharingLevel(owner, { name: 'shared-one', level: 'library_view' });
  seedPrompt(owner, 'owner-secret', 'Secret {{who}}');
  member(owner, 'bob@example.com');
  const key = createKey(owner, { userEmail: 'bob@example.com', label: 'bob' }).key;
  const res = await http(served.port, 'POST', '/bridge/sign-in', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key }) });
  bobToken = res.json().session as string;
});
afterAll(() => served.stop());

describe('GET /bridge/changes (the browser UI live stream)', () => {
  it('refuses a request without a live session (401 problem), like every bridge call', async () => {
    expectProblem(await http(served.port, 'GET', '/bridge/changes'), 401);
    expectProblem(await http(served.port, 'GET', '/bridge/changes', { headers: { 'x-promptdesk-session': 'not-a-session' } }), 401);
  });

  it('refuses a malformed Last-Event-ID, naming it', async () => {
    expectProblem(await http(served.port, 'GET', '/bridge/changes', { headers: { 'x-promptdesk-session': served.ownerToken, 'last-event-id': 'x' } }), 400, 'Last-Event-ID');
  });

  it("streams what the session's member may see, never a hidden prompt's name", async () => {
    const bob = stream(served.port, bobToken);
    await bob.opened;
    expect(bob.state.status).toBe(200);
    for (let i = 0; i < 10; i++) updatePrompt(owner, UpdatePromptInput.parse({ name: 'owner-secret', title: `Secret ${i}` }));
    updatePrompt(owner, UpdatePromptInput.parse({ name: 'shared-one', title: 'Shared, last' }));
    await bob.until(() => bob.state.events.some((e) => e.prompt?.name === 'shared-one'));
    bob.close();
    expect(bob.state.events.map((e) => [e.kind, e.prompt?.name])).toEqual([['prompt.updated', 'shared-one']]);
    expect(bob.state.raw).not.toMatch(/secret/i);
  });

  it('resumes after Last-Event-ID (a reconnecting tab loses nothing), and ends once the session is signed out', async () => {
    const from = served.host.workspace.changes.latestSeq();
    updatePrompt(owner, UpdatePromptInput.parse({ name: 'shared-one', title: 'While away' }));
    const owned = stream(served.port, bobToken, String(from));
    await owned.opened;
    await owned.until(() => owned.state.events.length >= 1);
    expect(owned.state.events[0]).toMatchObject({ seq: from + 1, kind: 'prompt.updated', prompt: { name: 'shared-one' } });
    expect(owned.state.seqHeader).toBe(String(from));
    expect((await http(served.port, 'POST', '/bridge/sign-out', { headers: { 'x-promptdesk-session': bobToken } })).status).toBe(204);
    // The next batch finds the session gone: the stream ends, delivering nothing after.
    updatePrompt(owner, UpdatePromptInput.parse({ name: 'shared-one', title: 'After sign-out' }));
    await owned.until(() => owned.state.ended);
    expect(owned.state.raw).not.toMatch(/After sign-out/);
    expect(owned.state.events).toHaveLength(1);
  });
});
