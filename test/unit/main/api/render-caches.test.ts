import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connect } from 'node:net';
import fc from 'fast-check';
import { createKey, revokeKey } from '../../../../src/main/core/keys/keys-service';
import { promoteVersion, updateVersion } from '../../../../src/main/core/versions/lifecycle';
import { saveVersion } from '../../../../src/main/core/versions/versions-service';
import { setSharingLevel } from '../../../../src/main/core/sharing/sharing-service';
import { addUser } from '../../../../src/main/core/users/users-service';
import { setApiSettings } from '../../../../src/main/core/prompts/prompts-service';
import { SaveVersionInput, UpdateVersionInput } from '../../../../src/shared/schemas/prompts';
import { requestTarget } from '../../../../src/main/api/request-path';
import { knownPathTest } from '../../../../src/main/api/known-paths';
import { limitAddress } from '../../../../src/main/api/auth-throttle';
import { NATIVE_ROUTES } from '../../../../src/main/api/routes';
import { COMPAT_ROUTES } from '../../../../src/main/api/compat';
import { expectProblem, startTestHost, type TestHost } from '../../../helpers/host';
import { http } from '../../../helpers/http';
import { seedPrompt } from '../../../helpers/workspace';

/**
 * The render path keeps what is immutable or exactly invalidated (issue 15 target 1): parsed
 * templates per stored version object, the key and member reads memoised until any write
 * (store/read-cache.ts), known paths, the loopback allow-list per port, limitAddress. Each test
 * changes what a cache could hold and checks the very next request sees the change.
 */
let t: TestHost;
beforeAll(async () => {
  t = await startTestHost({ limits: { perKeyPerSecond: 1e6, perKeyBurst: 1e6, failedAuthPerMinute: 1e6 } });
});
afterAll(() => t.stop());

const render = (name: string, key: string, variables: Record<string, string>, query = '') =>
  http(t.port, 'POST', `/api/v1/prompts/${name}/render${query}`, {
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ variables }),
  });

describe('render serves every change at once', () => {
  it('a new published version, and a draft edited in place, on the next request', async () => {
    seedPrompt(t.owner, 'greet', 'Hello {{who}}', { api: true });
    for (let i = 0; i < 3; i++) expect((await render('greet', t.key, { who: 'Ada' })).json().text).toBe('Hello Ada');
    saveVersion(t.owner, SaveVersionInput.parse({ name: 'greet', template: { kind: 'text', text: 'Hi {{who}}!' } }));
    // Never promoted: the newest is served.
    expect((await render('greet', t.key, { who: 'Ada' })).json()).toMatchObject({ version: 2, text: 'Hi Ada!' });
    promoteVersion(t.owner, { name: 'greet', number: 1, notes: '' });
    expect((await render('greet', t.key, { who: 'Ada' })).json()).toMatchObject({ version: 1, text: 'Hello Ada' });
    saveVersion(t.owner, SaveVersionInput.parse({ name: 'greet', template: { kind: 'text', text: 'Hey {{name}}' } }));
    promoteVersion(t.owner, { name: 'greet', number: 3, notes: '' });
    // Another variable now: the old one is unused, the new one missing.
    const missing = await render('greet', t.key, { who: 'Ada' });
    expectProblem(missing, 400, 'variables.name');
    // A draft (v4) edited in place, asked for by number: its new text at once.
    saveVersion(t.owner, SaveVersionInput.parse({ name: 'greet', template: { kind: 'text', text: 'Draft {{who}}' } }));
    expect((await render('greet', t.key, { who: 'Ada' }, '?version=4')).json().text).toBe('Draft Ada');
    updateVersion(t.owner, UpdateVersionInput.parse({ name: 'greet', number: 4, template: { kind: 'text', text: 'Edited {{who}}' } }));
    expect((await render('greet', t.key, { who: 'Ada' }, '?version=4')).json().text).toBe('Edited Ada');
  });

  it('a revoked key is refused on its next request', async () => {
    seedPrompt(t.owner, 'revoke-me', 'R {{x}}', { api: true });
    const { key, info } = createKey(t.owner, { userEmail: t.owner.actor.email, label: 'soon revoked' });
    for (let i = 0; i < 3; i++) expect((await render('revoke-me', key, { x: '1' })).status).toBe(200);
    revokeKey(t.owner, info.id);
    expectProblem(await render('revoke-me', key, { x: '1' }), 401);
    // A new key (a rotation) works at once, the old one stays refused.
    const rotated = createKey(t.owner, { userEmail: t.owner.actor.email, label: 'rotated' }).key;
    expect((await render('revoke-me', rotated, { x: '1' })).status).toBe(200);
    expectProblem(await render('revoke-me', key, { x: '1' }), 401);
  });

  it('a sharing level taken away hides the prompt on the next request, exactly as one never made', async () => {
    seedPrompt(t.owner, 'shared', 'S {{x}}', { api: true });
    setSharingLevel(t.owner, { name: 'shared', level: 'library_view' });
    const member = addUser(t.owner, { email: 'cache-member@example.com', name: 'Member', role: 'member' });
    const memberKey = createKey(t.owner, { userEmail: member.email, label: 'member' }).key;
    for (let i = 0; i < 3; i++) expect((await render('shared', memberKey, { x: '1' })).status).toBe(200);
    setSharingLevel(t.owner, { name: 'shared', level: 'private' });
    const hidden = await render('shared', memberKey, { x: '1' });
    const never = await render('never-made', memberKey, { x: '1' });
    expectProblem(hidden, 404);
    expect(hidden.json().detail.replace('shared', 'never-made')).toBe(never.json().detail);
    setSharingLevel(t.owner, { name: 'shared', level: 'library_view' });
    expect((await render('shared', memberKey, { x: '1' })).status).toBe(200);
    // API access turned off answers as missing at once too.
    setApiSettings(t.owner, { name: 'shared', apiAccess: false });
    expectProblem(await render('shared', memberKey, { x: '1' }), 404);
  });
});

describe('the memoised pure helpers answer as their uncached forms', () => {
  it('requestTarget slices what new URL parses, for any path and query', () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9._~%!$&'()*+,;=:@-]{0,12}$/);
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 5 }), fc.option(fc.stringMatching(/^[A-Za-z0-9=&%._?/-]{0,20}$/)), fc.option(fc.stringMatching(/^[a-z#]{0,5}$/)), (segments, query, hash) => {
        const href = new URL(`http://127.0.0.1:4319/${segments.join('/')}${query === null ? '' : `?${query}`}${hash === null ? '' : `#${hash}`}`).href;
        const url = new URL(href);
        expect(requestTarget(href)).toEqual({ pathname: url.pathname, search: url.search });
      }),
    );
  });

  it('knownPathTest answers the same on every ask, past its memo size too', () => {
    const known = knownPathTest([...NATIVE_ROUTES, ...COMPAT_ROUTES]);
    const paths = ['/api/v1/prompts', '/api/v1/prompts/x/render', '/api/v1/nope', '/compat/unknown', '/api/v1/prompts/a/b/c'];
    const first = paths.map(known);
    expect(first.slice(0, 3)).toEqual([true, true, false]);
    for (let i = 0; i < 5000; i++) known(`/api/v1/random-${i}`);
    expect(paths.map(known)).toEqual(first);
  });

  it('limitAddress answers the same on every ask', () => {
    const cases: [string, string][] = [
      ['127.0.0.1', 'loopback'],
      ['::1', 'loopback'],
      ['::ffff:127.0.0.5', 'loopback'],
      ['::ffff:192.168.1.9', '192.168.1.9'],
      ['192.168.1.9', '192.168.1.9'],
      ['FE80::1%eth0', 'fe80::1'],
    ];
    for (let round = 0; round < 3; round++) for (const [address, expected] of cases) expect(limitAddress(address)).toBe(expected);
    for (let i = 0; i < 3000; i++) limitAddress(`10.0.${i >> 8}.${i & 255}`);
    for (const [address, expected] of cases) expect(limitAddress(address)).toBe(expected);
  });
});

describe('the body read by events (api/body.ts readIncoming)', () => {
  it('a client gone mid-body is no crash: nothing logged as an error, the next request answered', async () => {
    seedPrompt(t.owner, 'cut', 'C {{x}}', { api: true });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      for (let i = 0; i < 5; i++) {
        await new Promise<void>((resolve, reject) => {
          const socket = connect(t.port, '127.0.0.1', () => {
            socket.write(
              `POST /api/v1/prompts/cut/render HTTP/1.1\r\nHost: 127.0.0.1:${t.port}\r\nAuthorization: Bearer ${t.key}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"variables":`,
            );
            setTimeout(() => socket.destroy(), 20);
          });
          socket.on('close', () => resolve());
          socket.on('error', reject);
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect((await render('cut', t.key, { x: '1' })).json().text).toBe('C 1');
      expect(errors.mock.calls.filter((call) => String(call[0]).startsWith('[api]'))).toEqual([]);
    } finally {
      errors.mockRestore();
    }
  });

  it('a body past the limit is 413 and the connection still answers; bodies in many chunks are read whole', async () => {
    seedPrompt(t.owner, 'big', 'B {{x}}', { api: true });
    const huge = JSON.stringify({ variables: { x: 'y'.repeat(1024 * 1024) } });
    const tooLarge = await http(t.port, 'POST', '/api/v1/prompts/big/render', { headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' }, body: huge });
    expectProblem(tooLarge, 413);
    const value = 'z'.repeat(200_000);
    const whole = await render('big', t.key, { x: value });
    expect(whole.json().text).toBe(`B ${value}`);
  });
});
