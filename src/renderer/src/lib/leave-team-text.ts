import { DEVICE_REVOKED_TEXT } from './sync-labels';

/** What the Leave dialog needs to know of the joined folder and its sync (team:link, sync:status). */
export interface LeaveSituation {
  /** Team prompts held here. */
  teamPrompts: number;
  /** From the core (team-link-service.ts leaveKeepsEveryPrompt): the server is behind, Leave keeps every team prompt. */
  keepsEveryPrompt: boolean;
  /** Changes waiting for the server. */
  pending: number;
  /** The server no longer accepts this device. */
  revoked: boolean;
}

/** The Leave dialog's words, as what Leave will do in this situation. */
export interface LeaveText {
  /** What happens to the team prompts. */
  removal: string;
  /** Why something waits and what to do first; null when nothing waits (and the server is not behind). */
  waiting: string | null;
  /** The label of the keep box; null when there is nothing to keep. */
  keepLabel: string | null;
  /** The notice after leaving, for the prompts kept (`kept` their names). */
  keptNotice(kept: string[]): string;
}

const prompts = (n: number) => `${n} team ${n === 1 ? 'prompt' : 'prompts'}`;

/**
 * The one place that words Leave (attack 14c L1: while the server was behind, the dialog said
 * the team prompts "are removed from this computer" though Leave kept them all): the text follows
 * what leaveTeamWorkspace does, as the core reports it (`keepsEveryPrompt`), never a rule of its own.
 */
export function leaveTeamText(s: LeaveSituation): LeaveText {
  if (s.keepsEveryPrompt) {
    return {
      removal: `The team server is behind this computer (restored from a backup?) and may lack versions synced here, so each of the ${prompts(s.teamPrompts)} is kept, with all its versions, as a personal prompt named “…-unsynced” (unless you untick the box). This device’s token is revoked on the team server. Your personal prompts stay.`,
      waiting: s.pending > 0 ? `${s.pending} ${s.pending === 1 ? 'change was' : 'changes were'} not sent while the server is behind; ${s.pending === 1 ? 'it is' : 'they are'} kept in those copies.` : null,
      keepLabel: 'Keep every team prompt as a personal prompt (named “…-unsynced”)',
      keptNotice: (kept) => (kept.length > 0 ? ` Every team prompt was kept, with all its versions, as personal ${kept.length === 1 ? 'prompt' : 'prompts'} ${kept.join(', ')}.` : ''),
    };
  }
  return {
    removal: `This device’s token is revoked on the team server, and the team’s ${s.teamPrompts} ${s.teamPrompts === 1 ? 'prompt (its versions and runs) is' : 'prompts (their versions and runs) are'} removed from this computer. Your personal prompts stay.`,
    waiting:
      s.pending > 0
        ? `${s.pending} ${s.pending === 1 ? 'change is' : 'changes are'} not yet synced. ` +
          (s.revoked
            ? `${DEVICE_REVOKED_TEXT}, so ${s.pending === 1 ? 'it' : 'they'} cannot be sent to the team any more.`
            : `Cancel and use Sync now while online to send ${s.pending === 1 ? 'it' : 'them'} to the team.`)
        : null,
    keepLabel: s.pending > 0 ? 'Keep my unsent changes as personal prompts (named “…-unsynced”)' : null,
    keptNotice: (kept) => (kept.length > 0 ? ` Your unsent changes were saved as personal ${kept.length === 1 ? 'prompt' : 'prompts'} ${kept.join(', ')}.` : ''),
  };
}
