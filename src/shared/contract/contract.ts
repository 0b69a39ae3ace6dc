import type { z } from 'zod';
import type { ChannelMap } from '../../main/core/channel-map';

// The contract's types, derived from the one channel map (src/main/core/channel-map.ts, which
// combines each area's `<area>-channels.ts`). Type-only: nothing of main reaches the renderer or
// the preload at runtime; their channel names are inlined at build time (electron.vite.config.ts).

/** Every call the renderer may make, named `area:verb`. */
export type Channel = keyof ChannelMap;
/** What a caller may send (defaults still optional). */
export type ChannelInput<C extends Channel> = z.input<ChannelMap[C]['input']>;
/** What the handler receives once the input schema has parsed it. */
export type ChannelParsed<C extends Channel> = z.output<ChannelMap[C]['input']>;
/** What the channel answers: its handler's result. */
export type ChannelOutput<C extends Channel> = Awaited<ReturnType<ChannelMap[C]['handler']>>;
