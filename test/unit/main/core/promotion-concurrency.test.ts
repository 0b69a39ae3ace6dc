import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openWorkspace } from '../../../../src/main/core/workspace';
import { listPromotions } from '../../../../src/main/core/versions/lifecycle';
import { listVersions } from '../../../../src/main/core/versions/versions-service';
import { PromotionsInput } from '../../../../src/shared/schemas/versions';
import { seedPrompt, tempDir } from '../../../helpers/workspace';
import { saveVersion } from '../../../../src/main/core/versions/versions-service';
import { SaveVersionInput } from '../../../../src/shared/schemas/prompts';

const run = promisify(execFile);
const WORKER = join(__dirname, '..', '..', '..', 'helpers', 'promote-worker.ts');
// Each process can only promote again after the other has: the two must interleave.
const TARGET = 25;

describe('promotion across processes', () => {
  it('leaves exactly one published version and a consistent history chain', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const setup = openWorkspace(dir);
      const ctx = setup.as(setup.owner.id);
      seedPrompt(ctx, 'race', 'version one');
      saveVersion(ctx, SaveVersionInput.parse({ name: 'race', template: { kind: 'text', text: 'version two' } }));
      setup.close();

      const worker = (version: number) => run(process.execPath, ['--import', 'tsx', WORKER, dir, String(version), String(TARGET)]);
      const [a, b] = await Promise.all([worker(1), worker(2)]);
      const made = Number(a.stdout) + Number(b.stdout);
      console.log(`promotions made: ${a.stdout.trim()} + ${b.stdout.trim()}`);

      const check = openWorkspace(dir);
      try {
        const owner = check.as(check.owner.id);
        const published = listVersions(owner, 'race').filter((v) => v.status === 'published');
        expect(published).toHaveLength(1);
        const history = listPromotions(owner, PromotionsInput.parse({ name: 'race' })).reverse();
        expect(history).toHaveLength(made);
        expect(made).toBeGreaterThanOrEqual(2 * TARGET - 1);
        expect(history[0]!.previousVersion).toBeNull();
        for (let i = 1; i < history.length; i++) expect(history[i]!.previousVersion).toBe(history[i - 1]!.version);
        expect(history.at(-1)!.version).toBe(published[0]!.number);
      } finally {
        check.close();
      }
    } finally {
      cleanup();
    }
  }, 120_000);
});
