// The channels themselves are declared once, in src/main/core/<area>/<area>-channels.ts, combined in
// src/main/core/channel-map.ts. This file stays free of the schema library so the sandboxed preload can import it.
export type { Channel } from './contract';

/** Events main pushes to the renderer. */
export const EVENTS = ['prompts:changed'] as const;
export type AppEvent = (typeof EVENTS)[number];
