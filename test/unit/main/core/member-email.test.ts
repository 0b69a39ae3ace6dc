import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../../src/main/headless/cli';
import { dispatch } from '../../../../src/main/core/handlers';
import { canonicalEmail, emailSkeleton, normalizeMemberEmail } from '../../../../src/main/core/users/email-identity';
import { startTestHost, type TestHost } from '../../../helpers/host';

/** Look-alike addresses: each is refused, or stored as the plain address it stands for. */
const CASES: Array<{ label: string; email: string; stored?: string }> = [
  { label: 'uppercase', email: 'Ada.Case@Example.COM', stored: 'ada.case@example.com' },
  { label: 'fullwidth letters', email: 'ｆｕｌｌ＠ｅｘａｍｐｌｅ．ｃｏｍ', stored: 'full@example.com' },
  { label: 'fullwidth and upper', email: 'ＷＩＤＥ@example.com', stored: 'wide@example.com' },
  { label: 'ligature', email: 'ﬁle@example.com', stored: 'file@example.com' },
  { label: 'surrounding spaces', email: '  spaced@example.com ', stored: 'spaced@example.com' },
  { label: 'one script, not Latin', email: 'иван@пример.рф', stored: 'иван@пример.рф' },
  { label: 'Japanese with Latin', email: 'yamada山田@example.jp', stored: 'yamada山田@example.jp' },
  { label: 'zero-width space', email: 'zw\u200Bsp@example.com' },
  { label: 'zero-width joiner', email: 'zw\u200Dj@example.com' },
  { label: 'zero-width non-joiner', email: 'zw\u200Cnj@example.com' },
  { label: 'byte order mark', email: 'b\uFEFFom@example.com' },
  { label: 'word joiner', email: 'word\u2060join@example.com' },
  { label: 'soft hyphen', email: 'soft\u00ADhyphen@example.com' },
  { label: 'right-to-left override', email: 'rlo\u202Emoc.elpmaxe@example.com' },
  { label: 'left-to-right mark', email: 'lrm\u200E@example.com' },
  { label: 'right-to-left isolate', email: 'rli\u2067x\u2069@example.com' },
  { label: 'arabic letter mark', email: 'alm\u061C@example.com' },
  { label: 'variation selector', email: 'vs\uFE0F@example.com' },
  { label: 'control character', email: 'ctl\u0007@example.com' },
  { label: 'Cyrillic a in a Latin name', email: 'p\u0430ypal@example.com' },
  { label: 'Greek omicron in a Latin name', email: 'g\u03BFogle@example.com' },
  { label: 'Cyrillic in the domain', email: 'mixed@ex\u0430mple.com' },
  { label: 'Latin and Cyrillic, uppercase', email: 'ADMIN\u0410@example.com' },
  { label: 'Armenian and Latin', email: 'h\u0585me@example.com' },
  // UTS #39 5.4: a mark that disappears into its base letter, or doubles another, reads as the plain address.
  { label: 'dotless i with a combining dot above (reads as i)', email: 'al\u0131\u0307ce@example.com' },
  { label: 'i with a second dot above', email: 'ali\u0307ce@example.com' },
  { label: 'dotless j with a combining dot above', email: '\u0237\u0307ane@example.com' },
  { label: 'Cyrillic i with a second dot above', email: '\u0456\u0307\u0432\u0430\u043d@example.com' },
  { label: 'Turkish capital I with dot (lowercases to i + a dot)', email: '\u0130ris@example.com' },
  { label: 'a dot above hidden behind a dot below', email: 'ali\u0323\u0307ce@example.com' },
  { label: 'the same accent twice', email: 'jose\u0301\u0301@example.com' },
  { label: 'one accent, composed', email: 'jose\u0301@example.com', stored: 'jos\u00e9@example.com' },
  { label: 'Vietnamese letters', email: 'nguy\u1ec5n@example.vn', stored: 'nguy\u1ec5n@example.vn' },
  // Domain dots: IDNA reads the ideographic full stops as dots, and DNS ignores a final dot.
  { label: 'ideographic full stop in the domain', email: 'ideo@example\u3002com', stored: 'ideo@example.com' },
  { label: 'halfwidth ideographic full stop', email: 'half@example\uFF61com', stored: 'half@example.com' },
  { label: 'a final dot after the domain', email: 'final@example.com.' },
  { label: 'an empty label in the domain', email: 'empty@example..com' },
];

describe('emailSkeleton', () => {
  it('is the same for whole-script look-alikes the mixed-script check lets through', () => {
    expect(() => normalizeMemberEmail('\u0441\u043e\u0441\u043e@example.com')).not.toThrow();
    expect(emailSkeleton('\u0441\u043e\u0441\u043e@example.com')).toBe(emailSkeleton('coco@example.com'));
    expect(emailSkeleton('arnie@example.com')).toBe(emailSkeleton('amie@example.com'));
    expect(emailSkeleton('ada@example.com')).not.toBe(emailSkeleton('ida@example.com'));
  });
});

describe('normalizeMemberEmail', () => {
  it.each(CASES)('$label', ({ email, stored }) => {
    if (stored) expect(normalizeMemberEmail(email)).toBe(stored);
    else expect(() => normalizeMemberEmail(email)).toThrowError(expect.objectContaining({ code: 'invalid_input', field: 'email' }));
  });

  it('is idempotent and agrees with the lookup form', () => {
    for (const { stored } of CASES) if (stored) expect(canonicalEmail(normalizeMemberEmail(stored))).toBe(stored);
  });
});

describe('every door that adds a member', () => {
  let h: TestHost;
  let err = '';
  beforeAll(async () => {
    h = await startTestHost();
  });
  afterAll(() => h.stop());
  afterEach(() => vi.restoreAllMocks());

  const emails = () => new Set(h.host.workspace.store.users.list().map((u) => u.email));

  /** Adds `email` through one door; returns the stored address, or the field the door named. */
  const doors: Record<string, (email: string) => Promise<{ field?: string }>> = {
    cli: async (email) => {
      err = '';
      vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
      const code = await main(['users', 'add', '--data-dir', h.host.workspace.dataDir, '--email', email, '--name', 'Someone']);
      vi.restoreAllMocks();
      return code === 0 ? {} : { field: /\((\w+)\)\s*$/.exec(err)?.[1] ?? err };
    },
    api: async (email) => {
      const res = await h.call('POST', '/api/v1/members', { email, name: 'Someone' });
      return res.status === 201 ? {} : { field: res.json().field };
    },
    ui: async (email) => {
      const result = await dispatch(h.host.handlers, h.owner, 'users:add', { email, name: 'Someone' });
      return result.ok ? {} : { field: result.error.field };
    },
  };

  for (const [index, [door, add]] of Object.entries(doors).entries()) {
    it.each(CASES)(`${door}: $label`, async ({ email, stored }) => {
      // Each door gets its own address (a digit tag: script-neutral), so every door sees each look-alike.
      const tag = `+${index}`;
      const tagged = email.replace(/[@＠]/, `${tag}$&`);
      const before = emails();
      const outcome = await add(tagged);
      if (stored) {
        expect(outcome.field).toBeUndefined();
        expect(emails()).toContain(stored.replace('@', `${tag}@`));
      } else {
        expect(outcome.field).toBe('email');
        expect(emails()).toEqual(before);
      }
    });
  }

  // Each letter from one script, so no mixing: only the confusables skeleton sees these.
  const TWINS: Array<[string, string]> = [
    ['coco@example.com', '\u0441\u043e\u0441\u043e@example.com'],
    ['ape@example.com', '\u0430\u0440\u0435@example.com'],
    ['amie@example.com', 'arnie@example.com'],
    ['ops@example.com', '\u03bfps@example.com'],
    ['ada1@example.com', 'adal@example.com'],
  ];
  it.each(Object.keys(doors).map((door, index) => [door, index] as const))('%s: refuses an address that looks like an existing member\'s', async (door, index) => {
    for (const [original, twin] of TWINS) {
      // A digit tag per door: script-neutral, so the twin stays single-script.
      const base = original.replace('@', `.${index}@`);
      expect((await doors[door]!(base)).field).toBeUndefined();
      const before = emails();
      expect((await doors[door]!(twin.replace('@', `.${index}@`))).field, `${twin} next to ${base}`).toBe('email');
      expect(emails()).toEqual(before);
    }
  });

  it('every door that names a member by email finds them by the same canonical form (keys, sharing)', async () => {
    expect((await h.call('POST', '/api/v1/members', { email: 'found@example.com', name: 'Found' })).status).toBe(201);
    expect((await h.call('POST', '/api/v1/prompts', { name: 'found-share', title: 'F' })).status).toBe(201);
    for (const spelling of ['FOUND@Example.com', 'ｆｏｕｎｄ@example.com', 'found@example\u3002com']) {
      const key = await h.call('POST', '/api/v1/keys', { userEmail: spelling, label: 'k' });
      expect(key.status, spelling).toBe(201);
      const share = await h.call('POST', '/api/v1/prompts/found-share/shares', { email: spelling, permission: 'view' });
      expect(share.status, `${spelling}: ${share.text}`).toBe(201);
    }
  });

  it('refuses a second member whose address differs only by case or width', async () => {
    expect((await h.call('POST', '/api/v1/members', { email: 'twin@example.com', name: 'Twin' })).status).toBe(201);
    for (const twin of ['TWIN@example.com', 'ｔｗｉｎ@example.com', 'Ｔwin@ＥXAMPLE.com']) {
      const res = await h.call('POST', '/api/v1/members', { email: twin, name: 'Twin 2' });
      expect(res.status).toBe(409);
      expect(res.json().field).toBe('email');
    }
  });
});
