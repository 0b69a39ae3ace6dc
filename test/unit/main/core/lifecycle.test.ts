import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  commitVersion,
  deleteVersion,
  getDeployment,
  listPromotions,
  pinDeployment,
  promoteVersion,
  restoreVersion,
  unarchiveVersion,
  updateVersion,
} from '../../../../src/main/core/versions/lifecycle';
import { compareVersions, diffTexts } from '../../../../src/main/core/versions/compare';
import { getVersion, listVersions, saveVersion, servedVersion } from '../../../../src/main/core/versions/versions-service';
import { getPrompt } from '../../../../src/main/core/prompts/prompts-service';
import { errorOf } from '../../../helpers/errors';
import { SaveVersionInput, UpdateVersionInput } from '../../../../src/shared/schemas/prompts';
import { PromoteInput, PromotionsInput } from '../../../../src/shared/schemas/versions';
import type { Ctx } from '../../../../src/main/core/context';
import { addShare } from '../../../../src/main/core/sharing/sharing-service';
import { AddShareInput } from '../../../../src/shared/schemas/sharing';
import { member, seedPrompt, testWorkspace } from '../../../helpers/workspace';

let t: ReturnType<typeof testWorkspace>;
let ctx: Ctx;
beforeEach(() => {
  t = testWorkspace();
  ctx = t.owner;
  seedPrompt(ctx, 'p', 'one {{a}}');
  save('two {{a}}');
  save('three {{a}} {{b}}');
});
afterEach(() => t.cleanup());

function save(text: string) {
  return saveVersion(ctx, SaveVersionInput.parse({ name: 'p', template: { kind: 'text', text } }));
}
const promote = (number: number, notes = '', as: Ctx = ctx) => promoteVersion(as, PromoteInput.parse({ name: 'p', number, notes }));
const statuses = () => Object.fromEntries(listVersions(ctx, 'p').map((v) => [v.number, v.status]));


describe('promotion', () => {
  it('publishes a draft, archives the previous one, and records both in history', () => {
    const first = promote(1, 'launch');
    expect(first).toMatchObject({ version: 1, previousVersion: null, notes: 'launch', promotedBy: { id: ctx.actor.id } });
    expect(statuses()).toEqual({ 1: 'published', 2: 'draft', 3: 'draft' });
    const second = promote(2);
    expect(second.previousVersion).toBe(1);
    expect(statuses()).toEqual({ 1: 'archived', 2: 'published', 3: 'draft' });
    expect(listPromotions(ctx, PromotionsInput.parse({ name: 'p' })).map((h) => [h.version, h.previousVersion])).toEqual([
      [2, 1],
      [1, null],
    ]);
  });

  it('commits the promoted version, so it can no longer be edited in place', () => {
    promote(3);
    expect(getVersion(ctx, 'p', 3).committed).toBe(true);
    const error = errorOf(() => updateVersion(ctx, UpdateVersionInput.parse({ name: 'p', number: 3, template: { kind: 'text', text: 'x' } })));
    expect(error).toMatchObject({ code: 'conflict' });
    expect(error.message).toMatch(/in production.*save a new version/);
  });

  it('refuses to promote an archived version until it is unarchived (rollback)', () => {
    promote(1);
    promote(2);
    const error = errorOf(() => promote(1));
    expect(error).toMatchObject({ code: 'conflict', field: 'number' });
    expect(error.message).toMatch(/unarchive it first/);
    expect(statuses()[2]).toBe('published');

    unarchiveVersion(ctx, 'p', 1);
    expect(statuses()[1]).toBe('draft');
    expect(promote(1, 'rollback').previousVersion).toBe(2);
    expect(statuses()).toEqual({ 1: 'published', 2: 'archived', 3: 'draft' });
    expect(servedVersion(ctx, 'p').number).toBe(1);
  });

  it('promoting the version already in production answers the promotion that put it there and records nothing; unknown versions are not found', () => {
    const first = promote(2, 'first');
    expect(promote(2, 'again')).toEqual(first);
    expect(listPromotions(ctx, PromotionsInput.parse({ name: 'p' }))).toEqual([first]);
    expect(errorOf(() => promote(9)).code).toBe('not_found');
  });

  it('refuses to unarchive a version that is not archived', () => {
    expect(errorOf(() => unarchiveVersion(ctx, 'p', 1)).message).toMatch(/draft, not archived/);
  });

  it('filters history by member and by date range', () => {
    const bob = member(ctx, 'bob@example.com', 'Bob');
    addShare(ctx, AddShareInput.parse({ name: 'p', email: 'bob@example.com', permission: 'edit' }));
    promote(1, '', ctx);
    promote(2, '', bob);
    promote(3, '', ctx);
    const history = (filter: Record<string, string>) => listPromotions(ctx, PromotionsInput.parse({ name: 'p', ...filter })).map((h) => h.version);
    expect(history({ userId: bob.actor.id })).toEqual([2]);
    const all = listPromotions(ctx, PromotionsInput.parse({ name: 'p' }));
    const middle = all[1]!.promotedAt;
    expect(history({ from: middle, to: middle })).toEqual([2]);
    expect(history({ from: middle.slice(0, 10) })).toEqual([3, 2, 1]);
    expect(history({ to: '2000-01-01' })).toEqual([]);
    expect(errorOf(() => history({ from: 'yesterday' }))).toMatchObject({ code: 'invalid_input', field: 'from' });
  });
});

describe('editing and deleting versions', () => {
  it('edits a draft in place, keeping its number', () => {
    const updated = updateVersion(ctx, UpdateVersionInput.parse({ name: 'p', number: 3, template: { kind: 'text', text: 'edited {{z}}' } }));
    expect(updated).toMatchObject({ number: 3, detectedVariables: ['z'] });
    expect(listVersions(ctx, 'p')).toHaveLength(3);
  });

  it('refuses to edit a committed version with 409', () => {
    commitVersion(ctx, 'p', 2);
    const error = errorOf(() => updateVersion(ctx, UpdateVersionInput.parse({ name: 'p', number: 2, commitMessage: 'x' })));
    expect(error).toMatchObject({ code: 'conflict' });
    expect(error.message).toMatch(/committed/);
    expect(getVersion(ctx, 'p', 2).template).toEqual({ kind: 'text', text: 'two {{a}}' });
  });

  it('refuses to edit an archived version', () => {
    promote(1);
    promote(2);
    expect(errorOf(() => updateVersion(ctx, UpdateVersionInput.parse({ name: 'p', number: 1, commitMessage: 'x' }))).message).toMatch(/archived/);
  });

  it('refuses to delete the published version, deletes a draft, and keeps latest in step', () => {
    promote(2);
    expect(errorOf(() => deleteVersion(ctx, 'p', 2))).toMatchObject({ code: 'conflict' });
    deleteVersion(ctx, 'p', 3);
    expect(getPrompt(ctx, 'p').latestVersion).toBe(2);
    expect(errorOf(() => getVersion(ctx, 'p', 3)).code).toBe('not_found');
  });

  it('restores an old version as a new one without touching history', () => {
    const restored = restoreVersion(ctx, 'p', 1);
    expect(restored).toMatchObject({ number: 4, status: 'draft', commitMessage: 'Restored from v1', template: { kind: 'text', text: 'one {{a}}' } });
    expect(getVersion(ctx, 'p', 1).number).toBe(1);
  });
});

describe('API deployment', () => {
  it('serves the newest until something is published, then the published version', () => {
    expect(getDeployment(ctx, 'p')).toEqual({ mode: 'published', pinnedVersion: null, publishedVersion: null, servedVersion: 3 });
    promote(2);
    expect(servedVersion(ctx, 'p').number).toBe(2);
    save('four');
    expect(servedVersion(ctx, 'p').number).toBe(2);
  });

  it('keeps serving a pinned version through edits and promotions, and commits it', () => {
    promote(2);
    expect(pinDeployment(ctx, 'p', 3)).toMatchObject({ mode: 'pinned', pinnedVersion: 3, publishedVersion: 2, servedVersion: 3 });
    expect(getVersion(ctx, 'p', 3).committed).toBe(true);
    save('five');
    promote(4);
    expect(servedVersion(ctx, 'p', undefined, 'read', 'deployment').number).toBe(3);
    // The app (chat, the launcher, the test panel) serves the active version: the pin is the API's.
    expect(servedVersion(ctx, 'p').number).toBe(4);
    expect(errorOf(() => deleteVersion(ctx, 'p', 3)).message).toMatch(/pinned/);
    expect(pinDeployment(ctx, 'p', null)).toMatchObject({ mode: 'published', servedVersion: 4 });
  });

  it('refuses to pin a version that does not exist', () => {
    expect(errorOf(() => pinDeployment(ctx, 'p', 42)).code).toBe('not_found');
  });
});

describe('compare', () => {
  it('highlights changed words and lists setting and variable changes', () => {
    const comparison = compareVersions(ctx, 'p', 1, 3);
    expect(comparison.granularity).toBe('words');
    expect(comparison.template.filter((p) => p.removed).map((p) => p.value.trim())).toContain('one');
    expect(comparison.template.filter((p) => p.added).map((p) => p.value).join('')).toContain('three');
    expect(comparison.variables.added).toEqual(['b']);
    expect(comparison.modelSettings).toEqual([]);
  });

  it('reports model setting changes', () => {
    saveVersion(ctx, SaveVersionInput.parse({ name: 'p', template: { kind: 'text', text: 'x' }, modelSettings: { models: ['openai:gpt-4o'], temperature: 0.3 } }));
    expect(compareVersions(ctx, 'p', 3, 4).modelSettings).toEqual([
      { field: 'models', from: '', to: 'openai:gpt-4o' },
      { field: 'temperature', from: '', to: '0.3' },
    ]);
  });

  it('falls back to a line diff when the word diff runs out of time', () => {
    const text = (seed: number) => Array.from({ length: 400 }, (_, i) => `line ${(i * seed) % 397} word${i % 7}`).join('\n');
    const { parts, granularity } = diffTexts(text(7), text(13), 0);
    expect(granularity).toBe('lines');
    expect(parts.filter((p) => p.added).map((p) => p.value).join('')).toContain(`line ${13 % 397} word1`);
    expect(parts.filter((p) => !p.added).map((p) => p.value).join('')).toBe(text(7));
    expect(diffTexts('a b', 'a c').granularity).toBe('words');
  });
});
