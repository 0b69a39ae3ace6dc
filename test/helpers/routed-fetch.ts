/** The routed fetch lives in src (the host uses it for PROMPTDESK_TEAM_SYNC_URL); tests import it from here as before. */
export { routedFetch } from '../../src/main/core/sync/routed-fetch';
