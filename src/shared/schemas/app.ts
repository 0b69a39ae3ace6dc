import type { User } from './users';

export interface ApiServerState {
  enabled: boolean;
  host: string;
  port: number;
  /** Base URL when listening, e.g. http://127.0.0.1:4319 */
  url: string | null;
  error: string | null;
}

export interface AppInfo {
  version: string;
  /** 'desktop' under Electron, 'headless' for `promptdesk serve`. */
  mode: 'desktop' | 'headless';
  dataDir: string;
  currentUser: User;
  api: ApiServerState;
}
