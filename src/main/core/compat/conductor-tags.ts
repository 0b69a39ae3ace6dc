import { invalid } from '../errors';
import { TAG_PATTERN } from '../../../shared/schemas/prompts';

/** Conductor's tag (`TagObject`/`Tag`: key, value, and the deprecated type, always METADATA). */
export interface ConductorTag {
  key: string;
  value: string;
  type: 'METADATA';
}

/**
 * Promptdesk tags are strings; a Conductor tag `{key, value}` is the tag `key:value` (the first
 * ":" splits), and a tag without ":" reads as `{key: tag, value: ""}` (and is written back so).
 */
export function tagFromPromptdesk(tag: string): ConductorTag {
  const at = tag.indexOf(':');
  return at < 0 ? { key: tag, value: '', type: 'METADATA' } : { key: tag.slice(0, at), value: tag.slice(at + 1), type: 'METADATA' };
}

/**
 * A Conductor tag as a Promptdesk tag (see tagFromPromptdesk). A tag that would not read back
 * the same (upper case, which Promptdesk tags fold; a ":" in the key; characters or a length
 * TAG_PATTERN refuses) is a 400 naming `[index].key`, never stored changed.
 */
export function tagToPromptdesk(tag: { key?: unknown; value?: unknown }, index: number): string {
  const key = typeof tag.key === 'string' ? tag.key.trim() : '';
  const value = tag.value === undefined || tag.value === null ? '' : String(tag.value).trim();
  if (key === '') throw invalid('A tag needs a key', `[${index}].key`);
  if (key.includes(':')) throw invalid('A tag key cannot contain ":" (Promptdesk stores a tag as key:value)', `[${index}].key`);
  const text = value === '' ? key : `${key}:${value}`;
  if (text !== text.toLowerCase()) throw invalid('Promptdesk tags are lower case: send the key and value in lower case', `[${index}].key`);
  if (!TAG_PATTERN.test(text)) throw invalid('key:value must be 1-40 letters, digits, spaces, ".", "_", "-" or ":"', `[${index}].key`);
  return text;
}
