import { describe, expect, it, vi } from 'vitest';

// Electron cannot launch here: the module is replaced and what reaches shell.openExternal is recorded.
const opened = vi.hoisted(() => [] as string[]);
vi.mock('electron', () => ({ shell: { openExternal: (url: string) => (opened.push(url), Promise.resolve()) } }));

const { openTeamSignIn } = await import('../../../../src/main/electron/open-external');

describe('openTeamSignIn: the only URL the app hands to shell.openExternal', () => {
  it.each([
    'https://prompts.example.com/team/authorize?redirect_uri=http%3A%2F%2F127.0.0.1%3A5000%2Fcallback&code_challenge=x&state=s',
    'http://127.0.0.1:4411/team/authorize?device_name=Ada',
  ])('opens a team server’s sign-in page: %s', async (url) => {
    opened.length = 0;
    await openTeamSignIn(url);
    expect(opened).toEqual([new URL(url).toString()]);
  });

  it.each([
    'http://prompts.example.com/team/authorize',
    'https://prompts.example.com/',
    'https://prompts.example.com/team/authorize/../../etc',
    'https://ada:pw@prompts.example.com/team/authorize',
    'file:///team/authorize',
    'javascript:alert(1)//team/authorize',
    'promptdesk://team/authorize',
    'not a url',
  ])('refuses anything else: %s', async (url) => {
    opened.length = 0;
    await expect(openTeamSignIn(url)).rejects.toThrow();
    expect(opened).toEqual([]);
  });
});
