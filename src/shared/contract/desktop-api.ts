import type { Channel, ChannelInput, ChannelOutput } from './contract';
import type { Result } from '../schemas/common';

type CamelCase<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;
type AreaOf<C extends Channel> = C extends `${infer A}:${string}` ? A : never;

/**
 * The renderer's whole view of the main process: `api.prompts.list(input)` for channel
 * `prompts:list`. The Electron preload and the headless browser bridge both build it.
 */
export type DesktopApi = {
  [A in AreaOf<Channel>]: {
    [C in Channel as C extends `${A}:${infer V}` ? CamelCase<V> : never]: (
      input?: ChannelInput<C>,
    ) => Promise<Result<ChannelOutput<C>>>;
  };
};

export type Invoke = (channel: Channel, input: unknown) => Promise<unknown>;

const camel = (verb: string) => verb.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Builds the named API over a transport: one method per channel in `channels`, the channel map's
 * names inlined at build time (electron.vite.config.ts). Only listed channels become methods.
 */
export function buildDesktopApi(channels: readonly Channel[], invoke: Invoke): DesktopApi {
  const api: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {};
  for (const channel of channels) {
    const [area, verb] = channel.split(':') as [string, string];
    api[area] ??= {};
    api[area][camel(verb)] = (input?: unknown) => invoke(channel, input ?? {});
  }
  return Object.freeze(api) as unknown as DesktopApi;
}
