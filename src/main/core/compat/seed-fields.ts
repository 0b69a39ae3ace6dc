import { AppError } from '../errors';

/**
 * Runs a core call for a seed API and renames the `field` of the error it throws to the name
 * the seed's own request uses, so a seed client is told which of its fields is at fault: the
 * core names Promptdesk's shapes (`template.text`, `template.messages.1.content`), which are no
 * field of a seed 003 or 004 body. `renames` maps a core field (or its prefix, up to a `.`) to
 * the seed's, e.g. `['template.text', 'content']` or `['template.messages', 'messages']`.
 * Everything else about the error (code, message with its line and column) is kept.
 *
 * @example inSeedFields([['template.text', 'content']], () => saveVersion(ctx, input))
 */
export function inSeedFields<T>(renames: ReadonlyArray<readonly [core: string, seed: string]>, call: () => T): T {
  try {
    return call();
  } catch (error) {
    const field = error instanceof AppError ? error.field : undefined;
    const rename = field === undefined ? undefined : renames.find(([core]) => field === core || field.startsWith(`${core}.`));
    if (!rename || !(error instanceof AppError)) throw error;
    throw error.with({ field: rename[1] + field!.slice(rename[0].length) });
  }
}
