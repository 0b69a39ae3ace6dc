import { contextBridge, ipcRenderer } from 'electron';
import { buildDesktopApi, type DesktopApi } from '../shared/contract/desktop-api';
import { EVENTS, type AppEvent, type Channel } from '../shared/contract/channels';
import type { ChangeEvent } from '../shared/schemas/changes';

/**
 * The contract's channel names (main/core/channel-map.ts), inlined by electron.vite.config.ts at
 * build time: the sandboxed preload cannot load main's code or the schema library.
 */
declare const __PROMPTDESK_CHANNELS__: readonly Channel[];

// Only named methods cross the bridge: never ipcRenderer itself or a generic invoke.
const api = buildDesktopApi(__PROMPTDESK_CHANNELS__, (channel, input) => ipcRenderer.invoke(channel, input)) satisfies DesktopApi;

const events = {
  /** `prompts:changed` carries a batch of change events (shared/schemas/changes.ts), as main delivered them. */
  on(event: AppEvent, listener: (events: ChangeEvent[]) => void): () => void {
    if (!EVENTS.includes(event)) throw new Error(`Unknown event ${event}`);
    // Only the payload crosses, never the IPC event (it exposes the sender).
    const wrapped = (_event: unknown, events: ChangeEvent[]) => listener(Array.isArray(events) ? events : []);
    ipcRenderer.on(event, wrapped);
    return () => ipcRenderer.off(event, wrapped);
  },
};

contextBridge.exposeInMainWorld('promptdesk', api);
contextBridge.exposeInMainWorld('promptdeskEvents', events);
