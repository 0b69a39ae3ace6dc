/**
 * The preload's side of the `prompts:changed` IPC event, without Electron: `electron` is replaced
 * by a fake ipcRenderer (an EventEmitter, as Electron's is) and a contextBridge that records what
 * the preload exposes.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { EventEmitter } from 'node:events';
import { CHANNELS } from '../../../src/main/core/channel-map';
import type { ChangeEvent } from '../../../src/shared/schemas/changes';

const electron = vi.hoisted(() => {
  const exposed = new Map<string, unknown>();
  return { exposed, ipcRenderer: null as unknown as EventEmitter };
});

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const ipcRenderer = Object.assign(new Emitter(), { invoke: vi.fn(() => Promise.resolve({ ok: true, value: null })) });
  electron.ipcRenderer = ipcRenderer;
  return {
    ipcRenderer,
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => electron.exposed.set(key, value) },
  };
});

type Events = { on(event: string, listener: (events: ChangeEvent[]) => void): () => void };
let events: Events;
const ipc = () => electron.ipcRenderer as EventEmitter;

beforeAll(async () => {
  // Inlined by electron.vite.config.ts at build time; a test provides the same list.
  (globalThis as { __PROMPTDESK_CHANNELS__?: readonly string[] }).__PROMPTDESK_CHANNELS__ = CHANNELS;
  await import('../../../src/preload/index');
  events = electron.exposed.get('promptdeskEvents') as Events;
});

const change = (seq: number): ChangeEvent => ({ seq, kind: 'version.saved', at: '2026-01-01T00:00:00.000Z', prompt: { id: 'p1', name: 'team' }, version: seq });

describe('preload: promptdeskEvents.on (prompts:changed)', () => {
  it('exposes the named API and the events object only, never ipcRenderer', () => {
    expect([...electron.exposed.keys()].sort()).toEqual(['promptdesk', 'promptdeskEvents']);
    for (const value of electron.exposed.values()) expect(value).not.toBe(electron.ipcRenderer);
    expect(Object.keys(events)).toEqual(['on']);
  });

  it('calls the listener with the batch main sent, never the IPC event (it exposes the sender)', () => {
    const got: unknown[][] = [];
    const stop = events.on('prompts:changed', (...args) => got.push(args));
    const batch = [change(1), change(2)];
    ipc().emit('prompts:changed', { sender: { send: () => undefined }, senderId: 0 }, batch);
    expect(got).toEqual([[batch]]);
    stop();
  });

  it('a payload that is not a list reaches the listener as an empty batch', () => {
    const got: ChangeEvent[][] = [];
    const stop = events.on('prompts:changed', (batch) => got.push(batch));
    for (const payload of [undefined, null, 'x', { seq: 1 }]) ipc().emit('prompts:changed', {}, payload);
    expect(got).toEqual([[], [], [], []]);
    stop();
  });

  it('returns an unsubscribe that removes exactly its own listener', () => {
    const base = ipc().listenerCount('prompts:changed');
    const a: number[] = [];
    const b: number[] = [];
    const stopA = events.on('prompts:changed', (batch) => a.push(batch.length));
    const stopB = events.on('prompts:changed', (batch) => b.push(batch.length));
    expect(ipc().listenerCount('prompts:changed')).toBe(base + 2);
    ipc().emit('prompts:changed', {}, [change(3)]);
    stopA();
    expect(ipc().listenerCount('prompts:changed')).toBe(base + 1);
    ipc().emit('prompts:changed', {}, [change(4), change(5)]);
    stopB();
    expect(ipc().listenerCount('prompts:changed')).toBe(base);
    ipc().emit('prompts:changed', {}, [change(6)]);
    expect(a).toEqual([1]);
    expect(b).toEqual([1, 2]);
  });

  it('refuses an event main does not send, and listens to no other channel', () => {
    for (const name of ['prompts:list', 'prompts:changed ', 'changed', '__proto__']) {
      expect(() => events.on(name, () => undefined), name).toThrow(/Unknown event/);
    }
    expect(ipc().eventNames()).not.toContain('prompts:list');
  });
});
