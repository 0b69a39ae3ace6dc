/**
 * Every call the renderer may make, named `area:verb`. This list has no dependencies so the
 * sandboxed preload can import it without pulling in the schema library.
 */
export const CHANNELS = [
  'app:info',
  'api:configure',
  'prompts:list',
  'prompts:runnable',
  'prompts:get',
  'prompts:create',
  'prompts:delete',
  'prompts:set-api',
  'versions:save',
  'versions:list',
  'versions:get',
  'versions:commit',
  'versions:promote',
  'versions:unarchive',
  'versions:restore',
  'versions:delete',
  'versions:compare',
  'promotions:list',
  'deployment:get',
  'deployment:pin',
  'sharing:get',
  'sharing:set-level',
  'sharing:add',
  'sharing:remove',
  'render:preview',
  'users:list',
  'users:add',
  'users:set-active',
  'users:search',
  'users:access',
  'session:switch',
  'keys:list',
  'keys:create',
  'keys:revoke',
] as const;

export type Channel = (typeof CHANNELS)[number];

/** Events main pushes to the renderer. */
export const EVENTS = ['prompts:changed'] as const;
export type AppEvent = (typeof EVENTS)[number];
