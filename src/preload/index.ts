import { contextBridge, ipcRenderer } from 'electron';
import { buildDesktopApi, type DesktopApi } from '../shared/contract/desktop-api';
import { EVENTS, type AppEvent } from '../shared/contract/channels';

// Only named methods cross the bridge: never ipcRenderer itself or a generic invoke.
const api = buildDesktopApi((channel, input) => ipcRenderer.invoke(channel, input)) satisfies DesktopApi;

const events = {
  on(event: AppEvent, listener: () => void): () => void {
    if (!EVENTS.includes(event)) throw new Error(`Unknown event ${event}`);
    const wrapped = () => listener();
    ipcRenderer.on(event, wrapped);
    return () => ipcRenderer.off(event, wrapped);
  },
};

contextBridge.exposeInMainWorld('promptdesk', api);
contextBridge.exposeInMainWorld('promptdeskEvents', events);
