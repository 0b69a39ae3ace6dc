import { invalid } from '../errors';
import { MAX_VERSION_NUMBER, VersionNumberSchema, VERSION_NUMBER_RULE } from '../../../shared/schemas/version-number';

/**
 * A version number written in a URL (a path segment such as `/versions/{number}`, or a query
 * parameter such as `?version=`, `?from=`, Conductor's `?version=`): digits only, then the same
 * rule as a JSON body's number (VersionNumberSchema: a whole number from 1). One parser for every
 * door, so `?version=0`, `/versions/0` and a body's `"version": 0` all answer the same 400 naming
 * their field, before any lookup (a 0 once read as "a number never given" and answered 404).
 *
 * @param raw the text as received (already percent-decoded)
 * @param field the input's name, given back as the problem's `field`
 * @returns the number, 1 to MAX_VERSION_NUMBER
 * @throws AppError `invalid` (400) naming `field`, e.g. `version: must be a whole number from 1, not "0"`
 * @example versionNumberFromText('3', 'version') // 3
 */
export function versionNumberFromText(raw: string, field: string): number {
  // Digits only: Number() would also take " 2", "0x2", "2e0" and "" as numbers.
  const parsed = /^\d{1,15}$/.test(raw) ? VersionNumberSchema.safeParse(Number(raw)) : undefined;
  if (parsed?.success) return parsed.data;
  // Past the maximum the schema says so; otherwise the text is quoted back as it came.
  const tooLarge = parsed !== undefined && Number(raw) > MAX_VERSION_NUMBER;
  throw invalid(`${field}: ${tooLarge ? parsed.error.issues[0]!.message : `${VERSION_NUMBER_RULE}, not "${raw.slice(0, 20)}"`}`, field);
}

/**
 * An optional version number in a query parameter: absent or empty is undefined (no version
 * asked for); anything else goes through versionNumberFromText.
 */
export function optionalVersionNumberFromText(raw: string | undefined | null, field: string): number | undefined {
  return raw === undefined || raw === null || raw === '' ? undefined : versionNumberFromText(raw, field);
}
