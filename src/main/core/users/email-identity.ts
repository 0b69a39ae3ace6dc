import unhomoglyph from 'unhomoglyph';
import { conflict, invalid } from '../errors';
import type { Store } from '../../store/store';

// Characters a person cannot see or that reorder what they see: zero-width joiners and spaces,
// bidirectional embeddings/overrides/isolates (Trojan Source), soft hyphens, variation selectors,
// controls, private-use and unassigned code points. Two addresses that differ only by these look
// identical on screen, so they are refused rather than stripped (stripping would hide the attempt).
const INVISIBLE = /[\p{Cf}\p{Cc}\p{Co}\p{Cn}\p{Default_Ignorable_Code_Point}]/u;

const SHAPE = /^[^\s@]+@[^\s@.][^\s@]*$/u;

// UTS #39 5.4 (optional detection), checked on the decomposed form: a dot above a letter that
// already has one, or that makes a dotless i/j read as i/j (`alı̇ce` is drawn like `alice`), and
// the same nonspacing mark twice in a row (drawn once). Neither has a composed form, so NFKC keeps them.
const HIDDEN_MARK = /[\p{Soft_Dotted}\u0131\u0237]\p{Mn}*\u0307|(\p{Mn})\1/u;

// Scripts checked for mixing; anything else that is a letter counts as its own "other" script.
const SCRIPTS = [
  'Latin', 'Greek', 'Cyrillic', 'Armenian', 'Hebrew', 'Arabic', 'Syriac', 'Thaana', 'Devanagari', 'Bengali', 'Gurmukhi',
  'Gujarati', 'Oriya', 'Tamil', 'Telugu', 'Kannada', 'Malayalam', 'Sinhala', 'Thai', 'Lao', 'Tibetan', 'Myanmar',
  'Georgian', 'Hangul', 'Ethiopic', 'Cherokee', 'Khmer', 'Mongolian', 'Hiragana', 'Katakana', 'Bopomofo', 'Han',
] as const;
const SCRIPT_TESTS = SCRIPTS.map((name) => ({ name, re: new RegExp(`^\\p{Script=${name}}$`, 'u') }));
const NEUTRAL = /^[\p{Script=Common}\p{Script=Inherited}]$/u;

// UTS #39 "highly restrictive": one script, or Latin with the scripts one CJK language mixes.
const ALLOWED_MIXES: ReadonlyArray<ReadonlySet<string>> = [
  new Set(['Latin', 'Han', 'Hiragana', 'Katakana']),
  new Set(['Latin', 'Han', 'Hangul']),
  new Set(['Latin', 'Han', 'Bopomofo']),
];

/** The scripts of the letters in `text` (digits, punctuation and combining marks are neutral). */
export function scriptsOf(text: string): Set<string> {
  const found = new Set<string>();
  for (const ch of text) {
    if (NEUTRAL.test(ch)) continue;
    found.add(SCRIPT_TESTS.find((s) => s.re.test(ch))?.name ?? `other:${ch}`);
  }
  return found;
}

function isSingleScriptish(text: string): boolean {
  const scripts = scriptsOf(text);
  if (scripts.size <= 1) return true;
  return ALLOWED_MIXES.some((allowed) => [...scripts].every((s) => allowed.has(s)));
}

/**
 * The canonical spelling of an email for lookups: trimmed, NFKC (fullwidth and compatibility
 * forms fold to their plain letters), lowercase, ideographic full stops in the domain read as dots.
 * Never throws; use {@link admitMemberEmail} to admit a new address.
 *
 * @example canonicalEmail(' ＡＤＡ@Example.COM ') === 'ada@example.com'
 */
export function canonicalEmail(raw: string): string {
  const folded = raw.trim().normalize('NFKC').toLowerCase().normalize('NFKC');
  // IDNA (UTS #46) reads the ideographic full stop as the dot between domain labels.
  const at = folded.lastIndexOf('@');
  return at < 0 ? folded : folded.slice(0, at + 1) + folded.slice(at + 1).replace(/\u3002/g, '.');
}

/**
 * The one rule for a member's email address, applied by every door that adds a member (CLI
 * `users add`, `POST /api/v1/members`, Settings → Members): returns the canonical form
 * ({@link canonicalEmail}) or throws `invalid_input` on field `email` (or `fieldName`) when the
 * address contains invisible or bidirectional characters, a mark hidden in its letter (a dot
 * over i or j, an accent doubled), is not shaped like an email, or mixes
 * scripts within its local part or a domain label (e.g. a Cyrillic "а" inside "admin").
 *
 * @example normalizeMemberEmail('Ada@Example.com') === 'ada@example.com'
 * @example normalizeMemberEmail('ad\u200Bmin@x.io') // throws invalid_input (email)
 */
export function normalizeMemberEmail(raw: string, fieldName = 'email'): string {
  if (INVISIBLE.test(raw)) {
    throw invalid('This email contains invisible or text-direction characters; type it again without them', fieldName);
  }
  const email = canonicalEmail(raw);
  if (INVISIBLE.test(email) || !SHAPE.test(email) || email.length > 254) {
    throw invalid('Enter an email address like ada@example.com', fieldName);
  }
  if (HIDDEN_MARK.test(email.normalize('NFD'))) {
    throw invalid('This email has a mark that cannot be seen on its letter (a dot over i or j, or the same accent twice), so it could pass for another address', fieldName);
  }
  const at = email.lastIndexOf('@');
  const labels = email.slice(at + 1).split('.');
  // `example.com.` is the same domain as `example.com` to DNS, and `example..com` is none.
  if (labels.some((label) => label === '')) throw invalid('Enter an email address like ada@example.com', fieldName);
  const parts = [email.slice(0, at), ...labels];
  if (!parts.every(isSingleScriptish)) {
    throw invalid('This email mixes alphabets (for example a Cyrillic letter among Latin ones), so it could pass for another address', fieldName);
  }
  return email;
}

/**
 * The UTS #39 skeleton of an address (Unicode's confusables table, via `unhomoglyph`): two
 * addresses with the same skeleton look alike on screen, e.g. an all-Cyrillic "раураl" and
 * "paypal", or "rn" and "m".
 */
export function emailSkeleton(email: string): string {
  return unhomoglyph(canonicalEmail(email));
}

/**
 * Admits a new member's address: {@link normalizeMemberEmail}, then refuses (409 `conflict` on
 * `email`) an address that looks like an existing member's, which a mixed-script check cannot
 * see when every letter comes from one other script. Call inside the transaction that inserts.
 */
export function admitMemberEmail(store: Store, raw: string, fieldName = 'email'): string {
  const email = normalizeMemberEmail(raw, fieldName);
  const skeleton = emailSkeleton(email);
  const twin = store.users.list().find((u) => u.email !== email && emailSkeleton(u.email) === skeleton);
  if (twin) throw conflict(`This email looks the same as ${twin.email}, another member's; use an address that cannot be mistaken for it`, fieldName);
  return email;
}
