/** The sync states as the sidebar indicator and Settings → Team name them (core/sync/sync-engine.ts SyncState). */
export const SYNC_LABELS = { online: 'Online', offline: 'Offline', syncing: 'Syncing…', revoked: 'Revoked', behind: 'Server behind' } as const;

/** What a device the team server no longer accepts (401) shows instead of "Online". */
export const DEVICE_REVOKED_TEXT = 'This device was revoked on the team server';
