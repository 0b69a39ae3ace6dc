import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPrompt, deletePrompt, everyListedPrompt, freePromptName, getPrompt, listPrompts } from '../../../../src/main/core/prompts/prompts-service';
import { getVersion, listVersions, saveVersion } from '../../../../src/main/core/versions/versions-service';
import { renderPrompt } from '../../../../src/main/core/render/render-service';
import { errorOf } from '../../../helpers/errors';
import { CreatePromptInput, ListPromptsInput, RenderInput, SaveVersionInput } from '../../../../src/shared/schemas/prompts';
import type { Ctx } from '../../../../src/main/core/context';
import { addShare } from '../../../../src/main/core/sharing/sharing-service';
import { AddShareInput } from '../../../../src/shared/schemas/sharing';
import { member, seedPrompt, testWorkspace } from '../../../helpers/workspace';

let t: ReturnType<typeof testWorkspace>;
let ctx: Ctx;
beforeEach(() => {
  t = testWorkspace();
  ctx = t.owner;
});
afterEach(() => t.cleanup());

const list = (input: Parameters<typeof ListPromptsInput.parse>[0] = {}) => listPrompts(ctx, ListPromptsInput.parse(input));
const save = (input: Parameters<typeof SaveVersionInput.parse>[0]) => saveVersion(ctx, SaveVersionInput.parse(input));


describe('creating prompts', () => {
  it('creates a prompt owned by the actor with no version yet', () => {
    const prompt = createPrompt(ctx, CreatePromptInput.parse({ name: 'greet', title: 'Greeting', tags: ['Sales', 'sales', 'email'] }));
    expect(prompt).toMatchObject({ name: 'greet', title: 'Greeting', tags: ['sales', 'email'], latestVersion: null, latest: null });
    expect(prompt.owner.id).toBe(ctx.actor.id);
  });

  it('refuses a duplicate name, ignoring case, with 409 on the name field', () => {
    createPrompt(ctx, CreatePromptInput.parse({ name: 'greet', title: 'A' }));
    const error = errorOf(() => createPrompt(ctx, CreatePromptInput.parse({ name: 'GREET', title: 'B' })));
    expect(error).toMatchObject({ code: 'conflict', field: 'name' });
    expect(list().total).toBe(1);
  });

  it('refuses a slash command another prompt uses', () => {
    createPrompt(ctx, CreatePromptInput.parse({ name: 'a', title: 'A', slashCommand: '/sum' }));
    const error = errorOf(() => createPrompt(ctx, CreatePromptInput.parse({ name: 'b', title: 'B', slashCommand: 'sum' })));
    expect(error).toMatchObject({ code: 'conflict', field: 'slashCommand' });
  });

  it.each(['has space', 'slash/inside', '-leading', '', 'ü-umlaut', 'x'.repeat(101)])('rejects the name %j', (name) => {
    const parsed = CreatePromptInput.safeParse({ name, title: 'T' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['name']);
  });
});

describe('saving versions', () => {
  beforeEach(() => {
    createPrompt(ctx, CreatePromptInput.parse({ name: 'greet', title: 'Greeting' }));
  });

  it('numbers each save as a new version and keeps the old ones unchanged', () => {
    save({ name: 'greet', template: { kind: 'text', text: 'Hi {{name}}' }, commitMessage: 'first' });
    save({ name: 'greet', template: { kind: 'text', text: 'Hello {{name}} from {{place}}' }, commitMessage: 'second' });
    expect(getVersion(ctx, 'greet', 1).template).toEqual({ kind: 'text', text: 'Hi {{name}}' });
    const latest = getPrompt(ctx, 'greet').latest!;
    expect(latest).toMatchObject({ number: 2, commitMessage: 'second', detectedVariables: ['name', 'place'] });
    expect(listVersions(ctx, 'greet').map((v) => v.number)).toEqual([2, 1]);
  });

  it('stores variable metadata only for variables the template uses, in template order', () => {
    const version = save({
      name: 'greet',
      template: { kind: 'text', text: '{{b}} {{a}}' },
      variables: [{ name: 'a', description: 'first', example: 'x' }, { name: 'gone', default: 'y' }],
    });
    expect(version.variables).toEqual([{ name: 'b' }, { name: 'a', description: 'first', example: 'x' }]);
  });

  it('refuses an empty template and writes nothing', () => {
    const error = errorOf(() => save({ name: 'greet', template: { kind: 'text', text: '  \n ' } }));
    expect(error).toMatchObject({ code: 'invalid_input', field: 'template.text' });
    expect(listVersions(ctx, 'greet')).toEqual([]);
  });

  it('refuses a malformed variable, naming the message and position', () => {
    const error = errorOf(() =>
      save({ name: 'greet', template: { kind: 'chat', messages: [{ role: 'system', content: 'ok' }, { role: 'user', content: 'x\n{{a b}}' }] } }),
    );
    expect(error.field).toBe('template.messages.1.content');
    expect(error.message).toMatch(/line 2, column 1/);
  });

  it('refuses a save based on a stale version', () => {
    save({ name: 'greet', template: { kind: 'text', text: 'one' }, baseVersion: 0 });
    save({ name: 'greet', template: { kind: 'text', text: 'two' }, baseVersion: 1 });
    const error = errorOf(() => save({ name: 'greet', template: { kind: 'text', text: 'stale' }, baseVersion: 1 }));
    expect(error).toMatchObject({ code: 'conflict', field: 'baseVersion' });
  });

  it('records the author of each version', () => {
    const bob = member(ctx, 'bob@example.com', 'Bob');
    addShare(ctx, AddShareInput.parse({ name: 'greet', email: 'bob@example.com', permission: 'edit' }));
    saveVersion(bob, SaveVersionInput.parse({ name: 'greet', template: { kind: 'text', text: 'by bob' } }));
    expect(getVersion(ctx, 'greet', 1).author).toMatchObject({ name: 'Bob', email: 'bob@example.com' });
  });
});

describe('the library', () => {
  beforeEach(() => {
    seedPrompt(ctx, 'support-reply', 'Answer the customer politely about {{issue}}', { title: 'Support reply', tags: ['support'] });
    seedPrompt(ctx, 'release-notes', 'Summarise the changelog for {{product}}', { title: 'Release notes', description: 'For launches', tags: ['marketing'] });
    const bob = member(ctx, 'bob@example.com', 'Bob');
    seedPrompt(bob, 'tweet', 'Write a tweet about {{topic}} with émojis', { title: 'Tweet writer', tags: ['marketing', 'social'] });
  });

  it('finds prompts by a word in the template, by prefix, and ignores case and accents', () => {
    expect(list({ query: 'politely' }).items.map((p) => p.name)).toEqual(['support-reply']);
    expect(list({ query: 'CHANGE' }).items.map((p) => p.name)).toEqual(['release-notes']);
    expect(list({ query: 'emojis' }).items.map((p) => p.name)).toEqual(['tweet']);
  });

  it('searches name, title, description and tags', () => {
    expect(list({ query: 'launches' }).items.map((p) => p.name)).toEqual(['release-notes']);
    expect(list({ query: 'writer' }).items.map((p) => p.name)).toEqual(['tweet']);
    expect(list({ query: 'social' }).items.map((p) => p.name)).toEqual(['tweet']);
  });

  it('treats search syntax characters as text', () => {
    for (const query of ['"', 'AND OR NOT', '*', 'NEAR(', 'a:b', "'); DROP TABLE prompts; --"]) {
      expect(() => list({ query })).not.toThrow();
    }
    expect(list().total).toBe(3);
  });

  it('filters by tag and owner, and reports facets', () => {
    const result = list({ tag: 'marketing' });
    expect(result.items.map((p) => p.name).sort()).toEqual(['release-notes', 'tweet']);
    expect(result.facets.tags).toEqual(['marketing', 'social', 'support']);
    const bob = result.facets.owners.find((o) => o.name === 'Bob')!;
    expect(list({ ownerId: bob.id }).items.map((p) => p.name)).toEqual(['tweet']);
  });

  it('sorts by name, title and last edit, and pages', () => {
    expect(list({ sort: 'name' }).items.map((p) => p.name)).toEqual(['release-notes', 'support-reply', 'tweet']);
    expect(list({ sort: 'updated' }).items[0]!.name).toBe('tweet');
    const page = list({ sort: 'name', limit: 2, offset: 2 });
    expect(page).toMatchObject({ total: 3 });
    expect(page.items.map((p) => p.name)).toEqual(['tweet']);
  });

  it('shows the latest version in the list and keeps search in step after a save', () => {
    save({ name: 'tweet', template: { kind: 'text', text: 'Compose a haiku about {{topic}}' } });
    expect(list({ query: 'haiku' }).items[0]).toMatchObject({ name: 'tweet', latestVersion: 2 });
    expect(list({ query: 'émojis' }).total).toBe(0);
  });

  it('forgets a deleted prompt everywhere', () => {
    deletePrompt(ctx, 'tweet');
    expect(list({ query: 'tweet' }).total).toBe(0);
    expect(errorOf(() => getPrompt(ctx, 'tweet')).code).toBe('not_found');
  });
});

describe('rendering', () => {
  beforeEach(() => {
    createPrompt(ctx, CreatePromptInput.parse({ name: 'greet', title: 'Greeting' }));
    save({ name: 'greet', template: { kind: 'text', text: 'Hi {{name}}, {{tone}}' }, variables: [{ name: 'tone', default: 'welcome' }] });
  });

  it('renders the newest version with defaults', () => {
    const rendered = renderPrompt(ctx, RenderInput.parse({ name: 'greet', variables: { name: 'Ada' } }));
    expect(rendered).toMatchObject({ version: 1, text: 'Hi Ada, welcome', messages: [{ role: 'user', content: 'Hi Ada, welcome' }] });
  });

  it('names the missing variable in the error field', () => {
    const error = errorOf(() => renderPrompt(ctx, RenderInput.parse({ name: 'greet', variables: {} })));
    expect(error).toMatchObject({ code: 'invalid_input', field: 'variables.name' });
    expect(error.message).toContain('"name"');
  });

  it('renders an older version on request', () => {
    save({ name: 'greet', template: { kind: 'text', text: 'Bye {{name}}' } });
    expect(renderPrompt(ctx, RenderInput.parse({ name: 'greet', version: 1, variables: { name: 'A' } })).text).toBe('Hi A, welcome');
    expect(renderPrompt(ctx, RenderInput.parse({ name: 'greet', variables: { name: 'A' } })).text).toBe('Bye A');
  });
});

describe('library paging with search', () => {
  it('pages through search results in every sort order with a stable total', () => {
    for (let i = 0; i < 7; i++) seedPrompt(ctx, `item-${i}`, `shared word ${i}`, { title: `Title ${6 - i}` });
    for (const sort of ['updated', 'created', 'name', 'title'] as const) {
      const seen: string[] = [];
      for (let offset = 0; offset < 9; offset += 3) {
        const page = list({ query: 'shared', sort, limit: 3, offset });
        expect(page.total).toBe(7);
        seen.push(...page.items.map((p) => p.name));
      }
      expect(seen.sort()).toEqual(Array.from({ length: 7 }, (_, i) => `item-${i}`));
    }
    expect(list({ query: 'shared', sort: 'title', limit: 2 }).items.map((p) => p.title)).toEqual(['Title 0', 'Title 1']);
    expect(list({ query: 'shared', offset: 50 })).toMatchObject({ items: [], total: 7 });
  });
});

describe('freePromptName (the names the Open WebUI and Respan doors give new prompts)', () => {
  it('the base when free, else the first numbered name free, counting reserved and any-case names as taken', () => {
    expect(freePromptName(ctx, 'fresh')).toBe('fresh');
    seedPrompt(ctx, 'taken', 'x');
    expect(freePromptName(ctx, 'taken')).toBe('taken-2');
    seedPrompt(ctx, 'taken-2', 'x');
    expect(freePromptName(ctx, 'taken')).toBe('taken-3');
    expect(freePromptName(ctx, 'TAKEN')).toBe('TAKEN-3');
    expect(freePromptName(ctx, 'list', new Set(['list']))).toBe('list-2');
  });

  it("counts another member's prompt as taken (names are unique across the workspace)", () => {
    const bob = member(ctx, 'bob@example.com');
    seedPrompt(bob, 'bobs', 'x');
    expect(freePromptName(ctx, 'bobs')).toBe('bobs-2');
  });
});

describe('everyListedPrompt (the doors that answer whole lists)', () => {
  it('reads past the first page of 200, in the sort asked, with the query and visibility of listPrompts', () => {
    // One transaction: 205 commits would each wait for the disk.
    ctx.store.tx(() => {
      for (let i = 0; i < 205; i++) seedPrompt(ctx, `bulk-${String(i).padStart(3, '0')}`, 'bulk {{x}}');
    });
    const bob = member(ctx, 'bob@example.com');
    seedPrompt(bob, 'bobs-private', 'x');
    const names = everyListedPrompt(ctx, { sort: 'name' }).map((p) => p.name);
    expect(names.filter((n) => n.startsWith('bulk-'))).toEqual(Array.from({ length: 205 }, (_, i) => `bulk-${String(i).padStart(3, '0')}`));
    expect(everyListedPrompt(ctx, { query: 'bulk-204' }).map((p) => p.name)).toEqual(['bulk-204']);
    expect(everyListedPrompt(bob).map((p) => p.name)).toEqual(['bobs-private']);
  });
});
