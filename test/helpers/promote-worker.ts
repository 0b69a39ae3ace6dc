/**
 * Run as its own OS process by the concurrency test: promotes one version of prompt "race"
 * over and over, unarchiving it whenever the other process has archived it, until it has made
 * `target` promotions or 20 s have passed. Prints the number of promotions it made.
 */
import { openWorkspace } from '../../src/main/core/workspace';
import { promoteVersion, unarchiveVersion } from '../../src/main/core/versions/lifecycle';
import { getVersion } from '../../src/main/core/versions/versions-service';
import { AppError } from '../../src/main/core/errors';

const [dataDir, versionArg, targetArg] = process.argv.slice(2);
const version = Number(versionArg);
const workspace = openWorkspace(dataDir!);
const ctx = workspace.as(workspace.owner.id);
const deadline = Date.now() + 20_000;
let promoted = 0;
// Promoting the version already in production answers the promotion that put it there and records
// nothing: count the entries this process made, not the calls that answered.
const made = new Set<string>();
for (let i = 0; promoted < Number(targetArg) && Date.now() < deadline; i++) {
  try {
    const status = getVersion(ctx, 'race', version).status;
    if (status === 'archived') unarchiveVersion(ctx, 'race', version);
    const entry = promoteVersion(ctx, { name: 'race', number: version, notes: `round ${i}` });
    if (!made.has(entry.id) && entry.notes === `round ${i}`) {
      made.add(entry.id);
      promoted++;
    }
  } catch (error) {
    // Losing a race (already published, archived again meanwhile) is expected; anything else is not.
    if (!(error instanceof AppError && error.code === 'conflict')) throw error;
  }
}
workspace.close();
process.stdout.write(`${promoted}\n`);
