/**
 * Django REST framework's own error texts, as Respan's prompts API (a DRF service) answers them
 * (`{"detail": "..."}`): what its Python SDK and a DRF-aware client read.
 *
 * Source (encode/django-rest-framework): rest_framework/exceptions.py `Throttled` (default_detail,
 * extra_detail_singular / extra_detail_plural, the wait rounded up with math.ceil).
 */

/**
 * DRF's 429 detail for a throttled request.
 * @param waitSeconds seconds until the next request is allowed (rounded up), or undefined when unknown
 * @example drfThrottled(1) // 'Request was throttled. Expected available in 1 second.'
 */
export function drfThrottled(waitSeconds: number | undefined): string {
  if (waitSeconds === undefined) return 'Request was throttled.';
  const wait = Math.ceil(waitSeconds);
  return `Request was throttled. Expected available in ${wait} ${wait === 1 ? 'second' : 'seconds'}.`;
}
