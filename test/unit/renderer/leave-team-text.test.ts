import { describe, expect, it } from 'vitest';
import { leaveTeamText } from '../../../src/renderer/src/lib/leave-team-text';

// Attack 14c L1: while the server was behind, the Leave dialog said the team prompts "are removed
// from this computer", though Leave kept every one of them as a personal "-unsynced" prompt.
describe('the Leave dialog words what Leave does', () => {
  const CASES = [0, 1, 3].flatMap((pending) => [false, true].flatMap((revoked) => [false, true].map((keepsEveryPrompt) => ({ pending, revoked, keepsEveryPrompt, teamPrompts: 4 }))));

  it.each(CASES)('pending $pending, revoked $revoked, server behind $keepsEveryPrompt', (s) => {
    const text = leaveTeamText(s);
    if (s.keepsEveryPrompt) {
      expect(text.removal).not.toMatch(/removed from this computer/);
      expect(text.removal).toMatch(/each of the 4 team prompts is kept, with all its versions, as a personal prompt named “…-unsynced”/);
      expect(text.keepLabel).toBe('Keep every team prompt as a personal prompt (named “…-unsynced”)');
      expect(text.keptNotice(['a-unsynced', 'b-unsynced'])).toBe(' Every team prompt was kept, with all its versions, as personal prompts a-unsynced, b-unsynced.');
    } else {
      expect(text.removal).toMatch(/the team’s 4 prompts \(their versions and runs\) are removed from this computer/);
      expect(text.keepLabel === null).toBe(s.pending === 0);
      expect(text.keptNotice(['a-unsynced'])).toBe(' Your unsent changes were saved as personal prompt a-unsynced.');
    }
    expect(text.waiting === null).toBe(s.pending === 0);
    if (s.pending > 0 && !s.keepsEveryPrompt) expect(text.waiting).toMatch(s.revoked ? /revoked on the team server/ : /Sync now/);
    expect(text.keptNotice([])).toBe('');
  });
});
