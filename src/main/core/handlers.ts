import { CHANNEL_MAP, CONTRACT, type Channel } from './channel-map';
import type { HostInfo } from './channel';
import type { ChannelOutput, ChannelParsed } from '../../shared/contract/contract';
import { refuseUnknownFields } from './unknown-fields';
import type { Result } from '../../shared/schemas/common';
import type { Ctx } from './context';
import { fromZodError, toErrorShape } from './errors';

export type { HostInfo } from './channel';

type Handlers = { [C in Channel]: (ctx: Ctx, input: ChannelParsed<C>) => ChannelOutput<C> | Promise<ChannelOutput<C>> };

/** The contract, implemented once (core/channel-map.ts) and bound to its host: IPC and the headless bridge both dispatch here. */
export function createHandlers(host: HostInfo): Handlers {
  const handlers: Record<string, (ctx: Ctx, input: unknown) => unknown> = {};
  for (const [channel, spec] of Object.entries(CHANNEL_MAP) as [Channel, { handler(ctx: Ctx, input: unknown, host: HostInfo): unknown }][]) {
    handlers[channel] = (ctx, input) => spec.handler(ctx, input, host);
  }
  return handlers as Handlers;
}

export function isChannel(value: string): value is Channel {
  return Object.hasOwn(CONTRACT, value);
}

/**
 * Parses the input with the channel's schema, runs the handler, and wraps the outcome: the one
 * place IPC and bridge inputs are validated. A member the schema does not read is refused
 * (`invalid`, naming it) as native HTTP bodies are (core/unknown-fields.ts), never ignored.
 */
export async function dispatch<C extends Channel>(handlers: Handlers, ctx: Ctx, channel: C, input: unknown): Promise<Result<ChannelOutput<C>>> {
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    try {
      refuseUnknownFields(CONTRACT[channel], input as Record<string, unknown>, {});
    } catch (error) {
      return { ok: false, error: toErrorShape(error) };
    }
  }
  const parsed = CONTRACT[channel].safeParse(input ?? {});
  if (!parsed.success) return { ok: false, error: fromZodError(parsed.error).toJSON() };
  try {
    const handler = handlers[channel] as (ctx: Ctx, input: ChannelParsed<C>) => ChannelOutput<C> | Promise<ChannelOutput<C>>;
    return { ok: true, value: await handler(ctx, parsed.data as ChannelParsed<C>) };
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'AppError') console.error(`[${channel}]`, error);
    return { ok: false, error: toErrorShape(error) };
  }
}
