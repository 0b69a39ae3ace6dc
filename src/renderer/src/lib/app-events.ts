import type { AppEvent } from '../../../shared/contract/channels';

interface AppEvents {
  on(event: AppEvent, listener: () => void): () => void;
}

declare global {
  interface Window {
    /** Exposed by the Electron preload only; the headless browser bridge has no push events. */
    promptdeskEvents?: AppEvents;
  }
}

export function onAppEvent(event: AppEvent, listener: () => void): () => void {
  return window.promptdeskEvents?.on(event, listener) ?? (() => {});
}
