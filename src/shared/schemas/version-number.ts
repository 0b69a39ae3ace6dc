import { z } from 'zod';

/** The largest version number any door accepts (nine digits: what a URL segment may carry). */
export const MAX_VERSION_NUMBER = 999_999_999;

/** What a version number is, in the words every door's 400 uses after the field name. */
export const VERSION_NUMBER_RULE = 'must be a whole number from 1';

/** How a refused input is quoted back: strings in quotes (so "2" reads as text), others as written. */
function shown(input: unknown): string {
  if (typeof input === 'string') return `the string "${input.slice(0, 20)}"`;
  if (typeof input === 'number') return String(input);
  return input === null ? 'null' : typeof input;
}

/** The message for an input that is not a version number (zod adds the field before it). */
function refusal(input: unknown): string {
  if (input === undefined) return 'a version number is required';
  if (typeof input === 'number' && Number.isInteger(input) && input > MAX_VERSION_NUMBER) return `must be at most ${MAX_VERSION_NUMBER}`;
  return `${VERSION_NUMBER_RULE}, not ${shown(input)}`;
}

/**
 * A version number in a JSON body or an IPC input: a JSON number, whole, from 1 to
 * MAX_VERSION_NUMBER. A numeric string ("2") is refused like any other non-number: seed 004's
 * client sends `"version": 3` as an integer, and accepting text here but not elsewhere would make
 * one door mean something another does not. URL text (path segments, query parameters) is read by
 * `versionNumberFromText` (src/main/core/versions/version-number.ts) with the same rule and words.
 *
 * @example VersionNumberSchema.safeParse("2").error?.issues[0].message // 'must be a whole number from 1, not the string "2"'
 */
export const VersionNumberSchema = z
  .number({ error: (issue) => refusal(issue.input) })
  .int({ error: (issue) => refusal(issue.input) })
  .min(1, { error: (issue) => refusal(issue.input) })
  .max(MAX_VERSION_NUMBER, { error: (issue) => refusal(issue.input) });
