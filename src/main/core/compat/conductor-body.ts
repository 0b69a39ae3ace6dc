/*
 * The prompt text of a Conductor save's body: the SDKs send it JSON-encoded, seed 001's curl as
 * raw text (see conductorBodyText).
 */

/** Seed 001: "Enclosing quotation marks are stripped automatically." */
export function stripEnclosingQuotes(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}

const JSON_MEDIA_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

/** The JSON string literal `literal` holds, or undefined when it is not one. */
function jsonString(literal: string): string | undefined {
  try {
    const value: unknown = JSON.parse(literal);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The prompt text a Conductor save (`POST`/`PUT /api/prompts/{name}`) carries, as its author wrote it.
 * The clients send the text JSON-encoded under `Content-Type: application/json`:
 * - the JavaScript SDK as a whole JSON string, `"line\nnext \"q\""` (its body serializer is
 *   JSON.stringify; conductor-oss/javascript-sdk src/open-api/generated/core/bodySerializer.gen.ts);
 * - the Python SDK as `json.dumps(text).strip('"')`, the escapes without the enclosing quotes,
 *   non-ASCII as `\u00e9` (conductor-oss/python-sdk src/conductor/client/http/rest.py `request`).
 *
 * The rule: with a JSON Content-Type, a body that is a JSON string literal is decoded; else a
 * body that becomes one once wrapped in quotes is decoded (the Python form; when `strip('"')` also
 * ate an escaped quote at the end, leaving an odd run of backslashes, that quote is put back).
 * Anything else (a raw text body such as seed 001's curl, with real line breaks or bare quotes,
 * or any other Content-Type) is kept as sent, less one pair of enclosing quotes (seed 001:
 * "Enclosing quotation marks are stripped automatically").
 */
export function conductorBodyText(body: string, contentType: string | undefined): string {
  if (JSON_MEDIA_TYPE.test(contentType ?? '')) {
    const whole = jsonString(body);
    if (whole !== undefined) return whole;
    const trailing = /\\+$/.exec(body)?.[0].length ?? 0;
    const repaired = trailing % 2 === 1 ? `${body}"` : body;
    const wrapped = jsonString(`"${repaired}"`);
    if (wrapped !== undefined) return wrapped;
  }
  return stripEnclosingQuotes(body);
}
