import { randomUUID } from 'node:crypto';
import type { Store } from '../../store/store';
import { teamRepo } from '../../store/repos/team-repo';
import { AppError } from '../errors';

/** What a team server says about itself (to the web UI, and to a desktop that joins it). */
export interface TeamInfo {
  id: string;
  name: string;
  /** The address members reach it at (`--public-url`), without a trailing slash. */
  publicUrl: string;
}

/** Where a data folder served with `--team` records it is a team server. */
export const TEAM_SETTING = 'team.server';

const repos = new WeakMap<Store, ReturnType<typeof teamRepo>>();
/** The team tables' repository of a store (prepared once per store). */
export function teamTables(store: Store): ReturnType<typeof teamRepo> {
  let repo = repos.get(store);
  if (!repo) repos.set(store, (repo = teamRepo(store.db)));
  return repo;
}

/** The team this folder serves, or null when it was never served with `--team`. */
export function teamOf(store: Store): TeamInfo | null {
  return store.settings.get<TeamInfo>(TEAM_SETTING) ?? null;
}

/** Whether this data folder is a team server's: members sign in with passwords, nobody "acts as" another. */
export const isTeamServer = (store: Store): boolean => teamOf(store) !== null;

/**
 * Records that this folder is served as a team at `publicUrl` (its id is made once and kept, so
 * desktops that joined recognise it after the address changes). `name` defaults to the kept one,
 * else the public URL's host.
 */
export function ensureTeam(store: Store, publicUrl: string, name?: string): TeamInfo {
  const known = teamOf(store);
  const url = publicUrl.replace(/\/+$/, '');
  const team: TeamInfo = { id: known?.id ?? randomUUID(), name: name ?? known?.name ?? new URL(url).host, publicUrl: url };
  store.settings.set(TEAM_SETTING, team);
  return team;
}

/** The team, or `invalid_input` when this folder is no team server (for the CLI's team-only commands). */
export function requireTeam(store: Store): TeamInfo {
  const team = teamOf(store);
  if (!team) throw new AppError('invalid_input', 'This data folder is not a team server: start it once with promptdesk serve --team --public-url URL', 'data-dir');
  return team;
}
