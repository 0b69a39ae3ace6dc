/**
 * Every call the renderer may make, named `area:verb`. This list has no dependencies so the
 * sandboxed preload can import it without pulling in the schema library.
 */
export const CHANNELS = [
  'app:info',
  'prompts:list',
  'prompts:get',
  'prompts:create',
  'prompts:delete',
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
  'render:preview',
  'users:list',
] as const;

export type Channel = (typeof CHANNELS)[number];

/** Events main pushes to the renderer. */
export const EVENTS = ['prompts:changed'] as const;
export type AppEvent = (typeof EVENTS)[number];
