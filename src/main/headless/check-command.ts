import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { checkDataFolder } from '../core/storage/data-check';

/**
 * `promptdesk check --data-dir DIR [--quick]`: checks a data folder whether or not Promptdesk has
 * it open (core/storage/data-check.ts checkDataFolder) and prints what it checked and the result.
 * Exit 0 when healthy (permission warnings are printed, on stderr, but do not fail it); 1 with one
 * sentence naming the file and what to do when a side file, the schema or the database refuses it.
 */
export function checkCommand(args: string[], usage: (message: string) => Error): number {
  const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' }, quick: { type: 'boolean' } } });
  const raw = values['data-dir'];
  if (typeof raw !== 'string' || raw === '') throw usage('--data-dir is required');
  const result = checkDataFolder(resolve(raw), values.quick ? 'quick' : 'full');
  process.stdout.write(`Checking ${result.dbPath}\n`);
  for (const line of result.checked) process.stdout.write(`  ${line}\n`);
  for (const warning of result.warnings) process.stderr.write(`promptdesk: warning: ${warning}\n`);
  if (result.problem) {
    process.stderr.write(`promptdesk: ${result.problem}\n`);
    return 1;
  }
  process.stdout.write('Healthy: nothing to do.\n');
  return 0;
}
