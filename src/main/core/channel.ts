import { z } from 'zod';
import type { AppInfo } from '../../shared/schemas/app';
import type { User } from '../../shared/schemas/users';
import type { Ctx } from './context';
import type { TeamHostHooks } from './team/team-link-service';

/** What the contract needs from the process hosting it (the Electron shell or the headless host). */
export interface HostInfo {
  appInfo(ctx: Ctx): AppInfo;
  /** Turns the HTTP API server on or off, or moves it to another port. */
  configureApi(ctx: Ctx, settings: { enabled: boolean; port: number }): Promise<AppInfo['api']>;
  /** Makes another member the one this session acts as, if core/sessions/member-switch.ts allows it. */
  switchMember(ctx: Ctx, input: { userId: string; key?: string }): User;
  /** Joining a team workspace (core/team/team-channels.ts): how the sign-in page opens, the sync's start and stop. */
  team?: TeamHostHooks;
}

/**
 * One contract channel: the schema its input is parsed with (strict: unknown members are refused
 * by core/handlers.ts dispatch) and the handler that answers it. The output type is the handler's
 * (awaited) return type, so the renderer's types follow the service with nothing declared twice.
 */
export interface ChannelSpec<I extends z.ZodType = z.ZodType, O = unknown> {
  input: I;
  // A method, so a map of specs with different inputs still satisfies Record<string, ChannelSpec>.
  handler(ctx: Ctx, input: z.output<I>, host: HostInfo): O;
}

/**
 * Declares a channel in its area's `<area>-channels.ts`, e.g.
 * `'prompts:get': channel(PromptRefInput, (ctx, input) => getPrompt(ctx, input.name))`.
 * Taking the schema first lets TypeScript type the handler's input from it.
 */
export function channel<I extends z.ZodType, O>(input: I, handler: (ctx: Ctx, input: z.output<I>, host: HostInfo) => O): ChannelSpec<I, O> {
  return { input, handler };
}

/** The input of a channel that takes none: `{}` (or nothing), and no other member. */
export const NoInput = z.object({}).strict().default({});
