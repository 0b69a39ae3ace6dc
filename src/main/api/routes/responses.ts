/*
 * The error answers the native operations document (their `responses`), shared so each route
 * declaration lists only what is its own.
 */

/** Any native operation: refused input, a missing key, a prompt that is missing or hidden. */
export const ERRORS = { 400: 'Invalid input (problem+json naming the field)', 401: 'Missing or invalid API key', 404: 'Not found, or not visible to this key' };
// Any write can meet a full disk or a read-only data folder (store/storage-errors.ts).
const STORAGE_ERRORS = { 507: 'Disk full, or the data folder is read-only: nothing was saved (insufficient_storage, read_only_storage)' };
/** A write (or a POST that runs a model): ERRORS, plus permission, conflict, body type and storage. */
export const WRITE_ERRORS = { ...ERRORS, 403: 'The key or its member may not do this', 409: 'Conflict with the current state', 415: 'Body is not JSON', ...STORAGE_ERRORS };
/** A read that answers with an ETag. */
export const NOT_MODIFIED = { 304: 'Not modified (If-None-Match named the ETag)' };
/** The operations that call a model provider. */
export const PROVIDER_ERRORS = {
  429: 'Rate limited (by Promptdesk or by the provider; see Retry-After)',
  502: 'The model provider answered with an error (its message is in detail)',
  504: 'The model provider did not answer in time',
};
