import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { conductorBodyText } from '../../../../src/main/core/compat/conductor-body';
import { tagFromPromptdesk, tagToPromptdesk } from '../../../../src/main/core/compat/conductor-tags';
import { authenticateToken, issueToken, TOKEN_EXPIRED, TOKEN_LIFETIME_MS } from '../../../../src/main/core/keys/tokens';
import { createKey, revokeKey, withinCallerKey } from '../../../../src/main/core/keys/keys-service';
import { setUserActive, addUser } from '../../../../src/main/core/users/users-service';
import { AddUserInput } from '../../../../src/shared/schemas/users';
import { testWorkspace } from '../../../helpers/workspace';
import type { Clock } from '../../../../src/main/core/context';

/** What the JavaScript SDK sends for a template: JSON.stringify (javascript-sdk bodySerializer.gen.ts). */
const jsWire = (text: string) => JSON.stringify(text);

/** What the Python SDK sends: json.dumps (ensure_ascii) then .strip('"') (python-sdk rest.py). */
const pythonWire = (text: string) =>
  JSON.stringify(text)
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/^"+|"+$/g, '');

const JSON_TYPE = 'application/json';

describe('conductorBodyText: the text the author wrote, whichever SDK sent it', () => {
  it('decodes the JavaScript SDK body (a JSON string) for any text', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (text) => conductorBodyText(jsWire(text), JSON_TYPE) === text));
  });

  it("decodes the Python SDK body (json.dumps stripped of its quotes) for any text, quotes at either end included", () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (text) => conductorBodyText(pythonWire(text), JSON_TYPE) === text));
    for (const text of ['"quoted"', 'ends with ""', '""', '\\"', 'é\n\t"\\']) expect(conductorBodyText(pythonWire(text), JSON_TYPE)).toBe(text);
  });

  it('the examples the brief names: \\n, \\" and \\u00e9 escapes become the characters', () => {
    expect(conductorBodyText('"Line one\\nsay \\"hi\\" caf\\u00e9"', JSON_TYPE)).toBe('Line one\nsay "hi" café');
    expect(conductorBodyText('Line one\\nsay \\"hi\\" caf\\u00e9', JSON_TYPE)).toBe('Line one\nsay "hi" café');
  });

  it("keeps a raw text body (seed 001's curl) as sent, less one pair of enclosing quotes", () => {
    expect(conductorBodyText('What is the population of China in 1994?', JSON_TYPE)).toBe('What is the population of China in 1994?');
    // Real line breaks and bare quotes cannot be a JSON string: raw text.
    expect(conductorBodyText('Line one\nsay "hi"', JSON_TYPE)).toBe('Line one\nsay "hi"');
    expect(conductorBodyText('C:\\path\\to', JSON_TYPE)).toBe('C:\\path\\to');
    // Another Content-Type is never decoded.
    expect(conductorBodyText('"a\\nb"', 'text/plain')).toBe('a\\nb');
    fc.assert(fc.property(fc.string(), (text) => conductorBodyText(text, 'text/plain') === (text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text)));
  });
});

describe('Conductor tags as Promptdesk tags (key:value)', () => {
  it('round-trips every tag Promptdesk can hold', () => {
    const part = fc.stringMatching(/^[a-z0-9][a-z0-9 _.-]{0,14}$/).map((s) => s.trim()).filter((s) => s !== '');
    fc.assert(
      fc.property(part, fc.option(part, { nil: '' }), (key, value) => {
        const tag = tagToPromptdesk({ key, value }, 0);
        const back = tagFromPromptdesk(tag);
        return back.key === key && back.value === value && back.type === 'METADATA';
      }),
    );
  });

  it('refuses what would not read back the same, naming the tag', () => {
    for (const bad of [{ key: 'Team', value: 'a' }, { key: 'a:b', value: 'c' }, { key: '', value: 'x' }, { key: 'a', value: 'x'.repeat(40) }, { key: 'a', value: 'b/c' }]) {
      expect(() => tagToPromptdesk(bad, 2)).toThrow(expect.objectContaining({ code: 'invalid_input', field: '[2].key' }));
    }
  });
});

describe('access tokens (core/keys/tokens.ts)', () => {
  const setup = () => {
    const w = testWorkspace();
    const { key, info } = createKey(w.owner, { userEmail: w.owner.actor.email, label: 't' });
    return { ...w, key, info };
  };
  const at = (ms: number): Clock => ({ now: () => new Date(ms) });

  it('keyId is the key prefix (or id); the token acts as the key until it expires', () => {
    const w = setup();
    try {
      const now = Date.now();
      for (const keyId of [w.info.prefix, w.info.id]) {
        const { token, expiresAt } = issueToken(w.workspace.store, at(now), keyId, w.key);
        expect(Date.parse(expiresAt)).toBe(now + TOKEN_LIFETIME_MS);
        expect(authenticateToken(w.workspace.store, at(now + TOKEN_LIFETIME_MS - 1), token).key.id).toBe(w.info.id);
        expect(() => authenticateToken(w.workspace.store, at(now + TOKEN_LIFETIME_MS), token)).toThrow(TOKEN_EXPIRED);
      }
    } finally {
      w.cleanup();
    }
  });

  it('a wrong secret, a wrong keyId and any change to a token are refused alike', () => {
    const w = setup();
    try {
      const clock = at(Date.now());
      expect(() => issueToken(w.workspace.store, clock, w.info.prefix, `${w.key}x`)).toThrow('Invalid keyId or keySecret');
      expect(() => issueToken(w.workspace.store, clock, 'pd_000000000000', w.key)).toThrow('Invalid keyId or keySecret');
      // Settings shows the prefix shortened (`pd_abcd…`): that is accepted, a shorter or other start is not.
      const shown = `${w.info.prefix.slice(0, 7)}…`;
      expect(issueToken(w.workspace.store, clock, shown, w.key).token).toMatch(/^pdt_/);
      expect(issueToken(w.workspace.store, clock, w.info.prefix.slice(0, 7), w.key).token).toMatch(/^pdt_/);
      expect(() => issueToken(w.workspace.store, clock, 'pd_', w.key)).toThrow('Invalid keyId or keySecret');
      expect(() => issueToken(w.workspace.store, clock, `${w.info.prefix.slice(0, 6)}#`, w.key)).toThrow('Invalid keyId or keySecret');
      const { token } = issueToken(w.workspace.store, clock, w.info.prefix, w.key);
      fc.assert(
        fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom(...'ABCxyz019_-.'), (index, char) => {
          const changed = token.slice(0, index) + char + token.slice(index + 1);
          if (changed === token) return true;
          try {
            authenticateToken(w.workspace.store, clock, changed);
            return false;
          } catch (error) {
            return (error as { code?: string }).code === 'unauthenticated' && (error as Error).message !== TOKEN_EXPIRED;
          }
        }),
      );
    } finally {
      w.cleanup();
    }
  });

  it('dies with its key: revoked key, deactivated member; never outlives an expiring key', () => {
    const w = setup();
    try {
      const clock = at(Date.now());
      const { token } = issueToken(w.workspace.store, clock, w.info.prefix, w.key);
      revokeKey(w.owner, w.info.id);
      expect(() => authenticateToken(w.workspace.store, clock, token)).toThrow(/invalid/);

      const bob = addUser(w.owner, AddUserInput.parse({ email: 'bob@example.com', name: 'Bob' }));
      const bobKey = createKey(w.owner, { userEmail: 'bob@example.com', label: 'b' });
      const bobToken = issueToken(w.workspace.store, clock, bobKey.info.prefix, bobKey.key).token;
      setUserActive(w.owner, bob.id, false);
      expect(() => authenticateToken(w.workspace.store, clock, bobToken)).toThrow(/invalid/);

      const soon = new Date(Date.now() + 10 * 60_000).toISOString();
      const short = createKey(w.owner, { userEmail: w.owner.actor.email, label: 's', expiresAt: soon });
      expect(issueToken(w.workspace.store, clock, short.info.prefix, short.key).expiresAt).toBe(soon);
    } finally {
      w.cleanup();
    }
  });
});

describe('token expiry and deactivation (issue 11 attack, items 7-9)', () => {
  const at = (ms: number): Clock => ({ now: () => new Date(ms) });

  it('EXPIRED_TOKEN when the token is past its expiry, whichever ended it (an hour, or its key expiring first)', () => {
    const w = testWorkspace();
    try {
      const now = Date.now();
      const keyEnd = now + 10 * 60_000;
      const short = createKey(w.owner, { userEmail: w.owner.actor.email, label: 's', expiresAt: new Date(keyEnd).toISOString() });
      const { token } = issueToken(w.workspace.store, at(now), short.info.prefix, short.key);
      expect(() => authenticateToken(w.workspace.store, at(keyEnd), token)).toThrow(TOKEN_EXPIRED);
      const long = createKey(w.owner, { userEmail: w.owner.actor.email, label: 'l' });
      const hour = issueToken(w.workspace.store, at(now), long.info.prefix, long.key).token;
      expect(() => authenticateToken(w.workspace.store, at(now + TOKEN_LIFETIME_MS), hour)).toThrow(TOKEN_EXPIRED);
    } finally {
      w.cleanup();
    }
  });

  it("a deactivated member's tokens end for good: reactivation brings none back; a new token works", () => {
    const w = testWorkspace();
    try {
      const carol = addUser(w.owner, AddUserInput.parse({ email: 'carol@example.com', name: 'Carol' }));
      const key = createKey(w.owner, { userEmail: 'carol@example.com', label: 'c' });
      const wsNow = w.workspace.clock.now().getTime();
      const before = issueToken(w.workspace.store, at(wsNow - 1000), key.info.prefix, key.key).token;
      setUserActive(w.owner, carol.id, false);
      setUserActive(w.owner, carol.id, true);
      // The test clock ticks a second per call: "later" is after the deactivation and reactivation.
      const later = at(w.workspace.clock.now().getTime());
      expect(() => authenticateToken(w.workspace.store, later, before)).toThrow(/invalid/);
      const after = issueToken(w.workspace.store, later, key.info.prefix, key.key).token;
      expect(authenticateToken(w.workspace.store, later, after).user.id).toBe(carol.id);
    } finally {
      w.cleanup();
    }
  });

  it('a key made with a token expires no later than the token (the calling key carries the token expiry)', () => {
    const w = testWorkspace();
    try {
      const now = Date.now();
      const { key, info } = createKey(w.owner, { userEmail: w.owner.actor.email, label: 'admin' });
      expect(info.expiresAt).toBeNull();
      const { token, expiresAt } = issueToken(w.workspace.store, at(now), info.prefix, key);
      const calling = authenticateToken(w.workspace.store, at(now), token).key;
      expect(calling.expiresAt).toBe(expiresAt);
      const ctx = { ...w.owner, via: { kind: 'api' as const, key: calling, loopback: true } };
      expect(withinCallerKey(ctx, undefined, null).expiresAt).toBe(expiresAt);
      expect(() => withinCallerKey(ctx, undefined, new Date(now + 2 * TOKEN_LIFETIME_MS).toISOString())).toThrow(/must expire by/);
    } finally {
      w.cleanup();
    }
  });
});
