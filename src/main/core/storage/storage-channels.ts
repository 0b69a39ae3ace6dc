import { channel, NoInput } from '../channel';
import { checkDataNow, dataCheckStatus } from './data-check';

/** Settings → Data check: the last full check of the data folder, and "Check now" (admins; core/storage/data-check.ts). */
export const STORAGE_CHANNELS = {
  'storage:checkStatus': channel(NoInput, (ctx) => dataCheckStatus(ctx)),
  'storage:checkNow': channel(NoInput, (ctx) => checkDataNow(ctx)),
};
