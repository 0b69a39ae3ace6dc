import { AppError } from '../errors';

/** The product's list defaults (respan.ai/docs/apis/prompts/list-prompts: `page_size` <= 100, default 25). */
export const RESPAN_DEFAULT_PAGE_SIZE = 25;
export const RESPAN_MAX_PAGE_SIZE = 100;

/** One page of a Respan list: where it starts and its neighbours (null at either end). */
export interface RespanPage {
  page: number;
  size: number;
  offset: number;
  next: number | null;
  previous: number | null;
}

const POSITIVE = /^\d{1,9}$/;

/**
 * The page size Django REST framework's PageNumberPagination uses: a positive whole number,
 * capped at the maximum; anything else (missing, 0, "abc") falls back to the default.
 *
 * @example respanPageSize('500') // 100
 */
export function respanPageSize(raw: unknown): number {
  const text = raw === undefined || raw === null ? '' : String(raw);
  if (!POSITIVE.test(text) || Number(text) === 0) return RESPAN_DEFAULT_PAGE_SIZE;
  return Math.min(Number(text), RESPAN_MAX_PAGE_SIZE);
}

/** The product's answer to a page that does not exist (DRF: 404 `{"detail": "Invalid page."}`). */
export const invalidPage = () => new AppError('not_found', 'Invalid page.', 'page');

/**
 * The requested page number as DRF reads it: missing is 1, `last` the last page, else a whole
 * number from 1; 0, "x" or "1.5" is an invalid page (404).
 */
export function respanPageNumber(raw: unknown): number | 'last' {
  if (raw === undefined || raw === null || raw === '') return 1;
  const text = String(raw);
  if (text === 'last') return 'last';
  if (!POSITIVE.test(text) || Number(text) === 0) throw invalidPage();
  return Number(text);
}

/**
 * Resolves a page against the number of items: a page past the last is a 404, except page 1 of
 * an empty list (DRF's allow_empty_first_page).
 *
 * @param requested respanPageNumber's result
 * @param size respanPageSize's result
 * @param count items in the whole list
 * @throws AppError not_found "Invalid page." for a page past the last
 */
export function respanPage(requested: number | 'last', size: number, count: number): RespanPage {
  const last = Math.max(1, Math.ceil(count / size));
  const page = requested === 'last' ? last : requested;
  if (page > last) throw invalidPage();
  return { page, size, offset: (page - 1) * size, next: page < last ? page + 1 : null, previous: page > 1 ? page - 1 : null };
}

/**
 * The URL of another page of a list, as DRF's `next`/`previous` links: the request's URL with
 * `page` set (page 1 without one) and every parameter the list was read with (`params`, whether
 * it came in the query or in a `POST /list` body) in its query, so following the link with a GET
 * reads the same list. Parameters that are undefined are left out.
 *
 * @example respanPageLink('http://127.0.0.1:4319/compat/respan/api/prompts/list', { page_size: 2 }, 2)
 * // 'http://127.0.0.1:4319/compat/respan/api/prompts/list?page_size=2&page=2'
 */
export function respanPageLink(requestUrl: string, params: Record<string, string | number | undefined>, page: number | null): string | null {
  if (page === null) return null;
  const url = new URL(requestUrl);
  for (const [name, value] of Object.entries(params)) {
    if (name === 'page') continue;
    if (value === undefined) url.searchParams.delete(name);
    else url.searchParams.set(name, String(value));
  }
  if (page === 1) url.searchParams.delete('page');
  else url.searchParams.set('page', String(page));
  return url.toString();
}
