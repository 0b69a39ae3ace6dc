import { queryOptions } from '@tanstack/react-query';
import { api, unwrap } from '../lib/api';

/** Settings → Data check: the last full check of the data folder and whether one runs now (channel storage:checkStatus; core/storage/data-check.ts). */
export const dataCheckQuery = queryOptions({ queryKey: ['settings', 'data-check'] as const, queryFn: () => unwrap(api.storage.checkStatus()) });

/** "Check now": the full check (integrity_check) off the server's main thread; answers the new status. */
export const runDataCheck = () => unwrap(api.storage.checkNow());
