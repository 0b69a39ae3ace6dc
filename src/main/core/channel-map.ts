import { HOST_CHANNELS } from './host-channels';
import { PROMPTS_CHANNELS } from './prompts/prompts-channels';
import { VERSIONS_CHANNELS } from './versions/versions-channels';
import { SHARING_CHANNELS } from './sharing/sharing-channels';
import { RENDER_CHANNELS } from './render/render-channels';
import { USERS_CHANNELS } from './users/users-channels';
import { KEYS_CHANNELS } from './keys/keys-channels';
import { INTEGRATIONS_CHANNELS } from './integrations/integrations-channels';
import { RUNS_CHANNELS } from './runs/runs-channels';
import { REFINE_CHANNELS } from './refine/refine-channels';
import { LOGS_CHANNELS } from './logs/logs-channels';
import { READINESS_CHANNELS } from './readiness/readiness-channels';
import { SYNC_CHANNELS } from './sync/sync-channels';
import { TEAM_CHANNELS } from './team/team-channels';
import { TELEMETRY_CHANNELS } from './telemetry/telemetry-channels';
import type { ChannelSpec } from './channel';

/**
 * Every call the renderer may make, named `area:verb`: the areas' channel maps combined. A channel
 * is declared once, in its area's `<area>-channels.ts` (input schema and handler; the output is the
 * handler's). The channel list, the input schemas, the IPC registration, the headless bridge, the
 * preload's whitelist and the shared contract types (shared/contract/contract.ts) all derive from it.
 */
export const CHANNEL_MAP = {
  ...HOST_CHANNELS,
  ...PROMPTS_CHANNELS,
  ...VERSIONS_CHANNELS,
  ...SHARING_CHANNELS,
  ...RENDER_CHANNELS,
  ...USERS_CHANNELS,
  ...KEYS_CHANNELS,
  ...INTEGRATIONS_CHANNELS,
  ...RUNS_CHANNELS,
  ...REFINE_CHANNELS,
  ...LOGS_CHANNELS,
  ...READINESS_CHANNELS,
  ...SYNC_CHANNELS,
  ...TEAM_CHANNELS,
  ...TELEMETRY_CHANNELS,
} satisfies Record<`${string}:${string}`, ChannelSpec>;

export type ChannelMap = typeof CHANNEL_MAP;
export type Channel = keyof ChannelMap;

/** The channel names, in declaration order. */
export const CHANNELS = Object.keys(CHANNEL_MAP) as Channel[];

/** Input schema of every channel: dispatch parses with these before acting. */
export const CONTRACT = Object.fromEntries(CHANNELS.map((c) => [c, CHANNEL_MAP[c].input])) as {
  [C in Channel]: ChannelMap[C]['input'];
};
