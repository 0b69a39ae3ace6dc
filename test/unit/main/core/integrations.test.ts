import fc from 'fast-check';
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../../helpers/fake-provider';
import { member, tempDir, testWorkspace } from '../../../helpers/workspace';
import { errorOf } from '../../../helpers/errors';
import type { Ctx } from '../../../../src/main/core/context';
import {
  deleteIntegration,
  listIntegrations,
  requireIntegrations,
  saveIntegration,
  testIntegration,
} from '../../../../src/main/core/integrations/integrations';
import { aesBox, fileSecretBox, keyHint, SECRET_KEY_FILE } from '../../../../src/main/core/integrations/secret-box';
import { SaveIntegrationInput, TestIntegrationInput } from '../../../../src/shared/schemas/integrations';

let provider: FakeProvider;
beforeAll(async () => {
  provider = await startFakeProvider({ apiKey: 'sk-right-key-1234' });
});
afterAll(() => provider.close());

let t: ReturnType<typeof testWorkspace>;
let owner: Ctx;
beforeEach(() => {
  t = testWorkspace();
  owner = t.owner;
});
afterEach(() => t.cleanup());

const save = (ctx: Ctx, input: object) => saveIntegration(ctx, SaveIntegrationInput.parse(input));
const base = () => ({ name: 'local', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, apiKey: 'sk-right-key-1234', models: ['echo'] });

describe('integrations', () => {
  it('are managed by admins; members see the ones they may use, without key details', () => {
    const bob = member(owner, 'bob@example.com');
    const carol = member(owner, 'carol@example.com');
    expect(errorOf(() => save(bob, base())).code).toBe('forbidden');
    save(owner, base());
    save(owner, { ...base(), name: 'private', access: 'selected', memberIds: [carol.actor.id] });
    expect(listIntegrations(owner).map((i) => [i.name, i.apiKeyHint])).toEqual([['local', 'sk-…1234'], ['private', 'sk-…1234']]);
    expect(listIntegrations(bob).map((i) => [i.name, i.apiKeyHint, i.memberIds])).toEqual([['local', null, []]]);
    expect(listIntegrations(carol).map((i) => i.name)).toEqual(['local', 'private']);
    expect(errorOf(() => requireIntegrations(bob, ['private:echo'])).code).toBe('forbidden');
    expect(errorOf(() => requireIntegrations(bob, ['nowhere:echo'])).code).toBe('not_found');
    requireIntegrations(carol, ['private:echo', 'LOCAL:echo']);
  });

  it('refuses a duplicate name (case-insensitive) on the name field, and unknown members', () => {
    save(owner, base());
    expect(errorOf(() => save(owner, { ...base(), name: 'LOCAL' }))).toMatchObject({ code: 'conflict', field: 'name' });
    expect(errorOf(() => save(owner, { ...base(), name: 'x', access: 'selected', memberIds: ['ghost'] }))).toMatchObject({ field: 'memberIds' });
    expect(() => SaveIntegrationInput.parse({ ...base(), baseUrl: 'ftp://x' })).toThrow();
    expect(() => SaveIntegrationInput.parse({ ...base(), name: 'has:colon' })).toThrow();
  });

  it('keeps the stored key when editing without one, and asks for it again when the host changes', () => {
    const saved = save(owner, base());
    const kept = save(owner, { ...base(), id: saved.id, apiKey: undefined, models: ['echo', 'slow'] });
    expect(kept).toMatchObject({ hasApiKey: true, apiKeyHint: 'sk-…1234', models: ['echo', 'slow'] });
    expect(errorOf(() => save(owner, { ...base(), id: saved.id, apiKey: undefined, baseUrl: 'http://elsewhere.example/v1' }))).toMatchObject({ field: 'apiKey' });
    expect(save(owner, { ...base(), id: saved.id, apiKey: '' })).toMatchObject({ hasApiKey: false, apiKeyHint: null });
    deleteIntegration(owner, saved.id);
    expect(listIntegrations(owner)).toEqual([]);
  });

  it('needs consent to store a key where only obfuscation is possible', () => {
    const weak = aesBox(randomBytes(32), { backend: 'weak', message: 'No secret store.' });
    const ctx: Ctx = { ...owner, runtime: { ...owner.runtime, secrets: weak } };
    expect(errorOf(() => save(ctx, base()))).toMatchObject({ field: 'allowWeakKeyStorage', message: expect.stringContaining('No secret store') });
    expect(save(ctx, { ...base(), allowWeakKeyStorage: true }).hasApiKey).toBe(true);
  });

  it('test connection lists the provider\'s models, or shows its error', async () => {
    const ok = await testIntegration(owner, TestIntegrationInput.parse({ kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, apiKey: 'sk-right-key-1234' }));
    expect(ok).toMatchObject({ ok: true, models: expect.arrayContaining(['echo', 'slow']) });
    const wrong = await testIntegration(owner, TestIntegrationInput.parse({ kind: 'anthropic', baseUrl: `${provider.url}/v1`, apiKey: 'sk-wrong' }));
    expect(wrong).toMatchObject({ ok: false, message: expect.stringContaining('401') });
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const down = await testIntegration(owner, TestIntegrationInput.parse({ kind: 'openai-compatible', baseUrl: `http://127.0.0.1:${closed}/v1` }));
    expect(down).toMatchObject({ ok: false, message: expect.stringContaining('connection refused') });
    const saved = save(owner, base());
    const stored = await testIntegration(owner, TestIntegrationInput.parse({ id: saved.id, kind: 'openai-compatible', baseUrl: `${provider.url}/v1` }));
    expect(stored.ok).toBe(true);
  });
});

describe('secret storage (headless)', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());

  it('creates a key file only its owner can read and round-trips secrets', () => {
    const box = fileSecretBox(dir.dir, {});
    expect(statSync(join(dir.dir, SECRET_KEY_FILE)).mode & 0o777).toBe(0o600);
    const sealed = box.encrypt('sk-abc');
    expect(sealed.toString('latin1')).not.toContain('sk-abc');
    expect(fileSecretBox(dir.dir, {}).decrypt(sealed)).toBe('sk-abc');
    sealed[sealed.length - 1]! ^= 1;
    expect(() => box.decrypt(sealed)).toThrow();
  });

  it('refuses a key file others can read, and takes the key from the environment instead', () => {
    writeFileSync(join(dir.dir, SECRET_KEY_FILE), randomBytes(32).toString('hex'));
    chmodSync(join(dir.dir, SECRET_KEY_FILE), 0o644);
    expect(() => fileSecretBox(dir.dir, {})).toThrow(/chmod 600/);
    const env = { PROMPTDESK_SECRET_KEY: randomBytes(32).toString('hex') };
    const box = fileSecretBox(dir.dir, env);
    expect(fileSecretBox(dir.dir, env).decrypt(box.encrypt('x'))).toBe('x');
    expect(() => fileSecretBox(dir.dir, { PROMPTDESK_SECRET_KEY: 'short' })).toThrow(/32 bytes/);
  });

  it('hints at a key without revealing it', () => {
    expect(keyHint('sk-proj-abcdefghijklmnop')).toBe('sk-…mnop');
    expect(keyHint('short')).toBe('…');
    // A short key with a word-like prefix was hinted whole ('password-…1234').
    expect(keyHint('password-1234')).toBe('…1234');
    expect(keyHint('hunter2hunt')).toBe('…');
    expect(keyHint('abcdefgh-ijklmnopqrstu')).toBe('…rstu');
  });

  it('never shows more than half of any key, and hides at least 8 characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'abcXYZ019-_+/='.split('')), minLength: 1, maxLength: 80 }), (key) => {
        const hint = keyHint(key);
        const shown = hint.replace('…', '').length;
        expect(shown * 2).toBeLessThanOrEqual(key.trim().length);
        if (shown > 0) expect(key.trim().length - shown).toBeGreaterThanOrEqual(8);
      }),
    );
  });
});
