/**
 * Run as its own OS process by the change stream test: saves `count` versions of prompt `name`
 * in the data folder given, as the CLI or a second window would, then exits.
 */
import { openWorkspace } from '../../src/main/core/workspace';
import { saveVersion } from '../../src/main/core/versions/versions-service';
import { SaveVersionInput } from '../../src/shared/schemas/prompts';

const [dataDir, name, countArg] = process.argv.slice(2);
const workspace = openWorkspace(dataDir!);
const ctx = workspace.as(workspace.owner.id);
for (let i = 0; i < Number(countArg); i++) saveVersion(ctx, SaveVersionInput.parse({ name: name!, template: { kind: 'text', text: `from another process ${i}` } }));
workspace.close();
