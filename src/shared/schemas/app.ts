import { z } from 'zod';
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
  /** Data other users of this machine can read (folder looser than 0700, files than 0600); empty when private. */
  storageWarnings: string[];
}

export const ConfigureApiInput = z.object({
  enabled: z.boolean(),
  /** 0 picks a free port; below 1024 needs privileges a desktop app should not have. */
  port: z.number().int().refine((p) => p === 0 || (p >= 1024 && p <= 65535), 'Use a port from 1024 to 65535 (or 0 for any free port)'),
});
