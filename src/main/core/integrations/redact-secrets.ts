/**
 * Provider errors often quote the request back ("Incorrect API key provided: sk-abc…"), and
 * whatever a provider says is shown in the chat, written to the logs and exported. This is the
 * one place such text is cleaned before it enters the core: see providerFailure (runs) and
 * testIntegration (Settings → Test connection).
 */

/** What a secret is replaced with. */
export const REDACTED = '[redacted]';

/** Stored keys this long or longer are removed wherever they appear, whole or by their runs; shorter ones only as a word (MIN_SHORT_SECRET). */
const MIN_KNOWN_SECRET = 8;
/**
 * Shorter stored keys (`sk-test`, a local server's `secret1`) are removed where they stand as a
 * word of their own; but not one of letters alone, the placeholder local servers are given
 * (`ollama`), which is also the integration's name in every message.
 */
const MIN_SHORT_SECRET = 4;
const PLACEHOLDER_WORD = /^\p{L}+$/u;
/** A run of at least this many characters of a stored key counts as that key (a masked echo such as `sk-abc12***wxyz`). */
const MIN_KEY_FRAGMENT = 8;

/** Runs of characters keys are made of; `*` is how providers mask the middle of an echoed key. */
const TOKEN = /[A-Za-z0-9_\-+/=.~*]+/g;
/** `Bearer x`, `Basic x`, `Token x` (an echoed Authorization header). */
const AUTH_SCHEME = /\b(bearer|basic|token)(\s+)([^\s"',;]+)/gi;
/** `api_key=x`, `"x-api-key": "x"`, `authorization: x`, `secret=x` (an echoed header or query parameter). */
const NAMED_SECRET = /\b(x-api-key|api[-_]?key|access[-_]?token|auth[-_]?token|authorization|secret|password)(["']?\s*[:=]\s*["']?)([^\s"',;&]+)/gi;
/** Credentials in a URL: `https://user:password@host`. */
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@"']+@/gi;
/** Key prefixes providers use: OpenAI and Anthropic `sk-`, Stripe-like `sk_`, Groq `gsk_`, xAI `xai-`, Hugging Face `hf_`, GitHub `ghp_`, Google `AIza`. */
const KEY_PREFIX = /^(?:sk|rk|pk|gsk|xai|hf|ghp|gho|ghs|github_pat|pplx|nvapi|r8)[-_]|^AIza/;

function looksLikeKey(token: string): boolean {
  const bare = token.replace(/^[.=]+|[.=]+$/g, '');
  if (KEY_PREFIX.test(bare) && bare.length >= 8) return true;
  if (bare.length < 20) return false;
  const upper = /[A-Z]/.test(bare);
  const lower = /[a-z]/.test(bare);
  const digit = /[0-9]/.test(bare);
  // Mixed case with digits is how random keys look and how prose and model names ("gpt-4o-mini-2024-07-18") do not.
  if (upper && lower && digit) return true;
  // Long hex or base36 strings (hashes, UUID-like tokens): letters and digits, 32 characters or more.
  return bare.length >= 32 && digit && (upper || lower);
}

/**
 * The forms a provider may quote a secret in: as sent, JSON-escaped (`\"`, `\\`, `\/`, `\u00e9`),
 * percent-encoded (a key in a URL's query, upper or lower case hex, `+` for a space).
 */
function encodedForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const jsonAscii = json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const forms = [secret, json, json.replace(/\//g, '\\/'), jsonAscii, jsonAscii.replace(/\\u([0-9a-f]{4})/g, (_m, h: string) => `\\u${h.toUpperCase()}`)];
  for (const uri of [encodeURIComponent(secret), encodeURI(secret)]) {
    const lower = uri.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
    forms.push(uri, lower, uri.replace(/%20/g, '+'), lower.replace(/%20/g, '+'));
  }
  return [...new Set(forms)];
}

/**
 * Every run of `MIN_KEY_FRAGMENT` or more characters of a secret found in `text`, replaced by
 * `[redacted]` (overlapping and adjacent runs as one): a key split over two lines, cut by an
 * ellipsis or followed by punctuation is still found piece by piece. Linear in the text.
 */
function redactRuns(text: string, runs: ReadonlySet<string>): string {
  if (text.length < MIN_KEY_FRAGMENT || runs.size === 0) return text;
  let out = '';
  let copied = 0;
  let start = -1;
  let end = -1;
  const flush = () => {
    // Never leave half of a surrogate pair beside the marker.
    if (start > 0 && /[\uDC00-\uDFFF]/.test(text[start]!) && /[\uD800-\uDBFF]/.test(text[start - 1]!)) start--;
    if (end < text.length && /[\uDC00-\uDFFF]/.test(text[end]!) && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end++;
    out += text.slice(copied, start) + REDACTED;
    copied = end;
  };
  for (let i = 0; i + MIN_KEY_FRAGMENT <= text.length; i++) {
    if (!runs.has(text.slice(i, i + MIN_KEY_FRAGMENT))) continue;
    if (start >= 0 && i <= end) end = i + MIN_KEY_FRAGMENT;
    else {
      if (start >= 0) flush();
      start = Math.max(i, copied);
      end = i + MIN_KEY_FRAGMENT;
    }
  }
  if (start < 0) return text;
  flush();
  return out + text.slice(copied);
}

interface Prepared {
  /** Every form of every secret, longest first (a key that contains another is removed whole). */
  secrets: string[];
  /** Every run of MIN_KEY_FRAGMENT characters of those forms, but runs across a space ("correct " of a passphrase: too likely in prose). */
  runs: Set<string>;
  /** Keys of MIN_SHORT_SECRET to MIN_KNOWN_SECRET - 1 characters, in every form, not inside a longer word; null when there are none. */
  shortWords: RegExp | null;
}

/** The last secrets prepared: the same keys redact every logged error at start (redactLoggedErrors), one row at a time. */
let lastPrepared: { key: string; value: Prepared } | null = null;

function prepared(given: string[]): Prepared {
  const key = given.join('\u0000');
  if (lastPrepared?.key === key) return lastPrepared.value;
  const long = given.filter((s) => s.length >= MIN_KNOWN_SECRET);
  const short = [...new Set(given.filter((s) => s.length < MIN_KNOWN_SECRET && !PLACEHOLDER_WORD.test(s)).flatMap(encodedForms))].sort((a, b) => b.length - a.length);
  const shortWords = short.length === 0 ? null : new RegExp(`(?<![\\p{L}\\p{N}])(?:${short.map((s) => s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')).join('|')})(?![\\p{L}\\p{N}])`, 'gu');
  const secrets = [...new Set(long.flatMap(encodedForms))].sort((a, b) => b.length - a.length);
  const runs = new Set<string>();
  for (const secret of secrets) {
    for (let i = 0; i + MIN_KEY_FRAGMENT <= secret.length; i++) {
      const run = secret.slice(i, i + MIN_KEY_FRAGMENT);
      if (!/\s/.test(run)) runs.add(run);
    }
  }
  lastPrepared = { key, value: { secrets, runs, shortWords } };
  return lastPrepared.value;
}

/**
 * `text` with secrets replaced by `[redacted]`: every occurrence of a `known` secret (the stored
 * provider keys and the key being tried), as sent, JSON-escaped or percent-encoded, and any run
 * of 8 or more characters of one of those forms (masked echoes, a key split over lines); a known
 * key of 4 to 7 characters, not letters alone, where it stands as a word of its own;
 * credentials in a URL (`https://user:pass@host`),
 * the value after `Bearer`/`Basic`/`Token` or after a key-like name (`api_key=`, `x-api-key:`,
 * `authorization:`…), tokens with a provider key prefix (`sk-`, `gsk_`, `xai-`…) and long
 * random-looking tokens (20+ characters mixing upper case, lower case and digits, or 32+
 * mixing letters and digits). Linear in the text for each known secret; never throws.
 *
 * @example
 * redactSecrets('Incorrect API key provided: sk-abc123xyz', []) // 'Incorrect API key provided: [redacted]'
 * redactSecrets('denied for hunter2hunter2', ['hunter2hunter2']) // 'denied for [redacted]'
 */
export function redactSecrets(text: string, known: Iterable<string | null | undefined>): string {
  const { secrets, runs, shortWords } = prepared([...known].filter((s): s is string => typeof s === 'string' && s.trim().length >= MIN_SHORT_SECRET).map((s) => s.trim()));
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  if (shortWords) out = out.replace(shortWords, REDACTED);
  out = out.replace(URL_USERINFO, (_m, scheme: string) => `${scheme}${REDACTED}@`);
  out = out.replace(AUTH_SCHEME, (_m, scheme: string, space: string) => `${scheme}${space}${REDACTED}`);
  out = out.replace(NAMED_SECRET, (whole, name: string, sep: string, value: string) => (value === REDACTED || value.length < 4 ? whole : `${name}${sep}${REDACTED}`));
  out = out.replace(TOKEN, (token) => {
    if (looksLikeKey(token)) return REDACTED;
    // A masked echo keeps pieces of the key between the asterisks: each long enough piece is the key's.
    for (const piece of token.split('*')) {
      if (piece.length >= MIN_KEY_FRAGMENT && secrets.some((s) => s.includes(piece))) return REDACTED;
    }
    return token;
  });
  // What is left of a key inside other text: `…-password.`, the half after a line break or `\/`.
  return redactRuns(out, runs);
}
