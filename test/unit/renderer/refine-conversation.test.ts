/**
 * What the refine panel sends and shows (src/renderer/src/state/refine-conversation.ts): the
 * conversation each turn sends whole, which answer's proposal the actions use, the state an
 * answer's bubble shows, the save note, the proposal applied to an editor draft, and its copy text.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { RefineResult } from '../../../src/shared/schemas/refine';
import type { RunStatus } from '../../../src/shared/schemas/runs';
import { draftFromVersion } from '../../../src/renderer/src/state/editor-draft';
import {
  conversationMessages,
  defaultSaveNote,
  draftWithProposal,
  latestProposalTurn,
  proposalState,
  proposalText,
  trialKey,
  trialSideOf,
  type RefineAnswerTurn,
  type RefineTurn,
} from '../../../src/renderer/src/state/refine-conversation';

let seq = 0;
const member = (text: string): RefineTurn => ({ kind: 'member', id: `m${++seq}`, text });

function result(explanation: string, revised: string | null, reason: string | null = null): RefineResult {
  return {
    runId: `run${seq}`,
    prompt: 'haiku',
    version: 1,
    model: 'oai:reviser',
    explanation,
    proposal: revised === null ? null : { template: { kind: 'text', text: revised }, variables: [{ name: 'topic' }] },
    reason: revised === null ? (reason ?? 'The answer holds no proposed revision.') : null,
    diff: revised === null ? null : { template: [{ value: 'Write about {{topic}}.' }, { value: ' Shorter.', added: true }], granularity: 'words', variables: { added: [], removed: [] } },
    usage: { inputTokens: 10, outputTokens: 5 },
    latencyMs: 20,
  };
}

function answer(status: RunStatus, res: RefineResult | null = null, error: string | null = null): RefineAnswerTurn {
  seq += 1;
  return {
    kind: 'answer',
    id: `a${seq}`,
    runId: `run${seq}`,
    model: 'oai:reviser',
    version: 1,
    status,
    text: res?.explanation ?? 'partial',
    cursor: 7,
    usage: { inputTokens: null, outputTokens: null },
    latencyMs: null,
    ttftMs: null,
    error: error === null ? null : { code: 'provider_error', message: error },
    stopping: false,
    result: res,
  };
}

describe('conversationMessages', () => {
  it('sends the member turns and the finished answers with their proposals, then the request', () => {
    const turns: RefineTurn[] = [member('Shorter'), answer('success', result('Cut a line.', 'Write about {{topic}}.')), member('Keep the JSON')];
    expect(conversationMessages(turns, 'And friendlier')).toEqual([
      { role: 'user', content: 'Shorter' },
      { role: 'assistant', content: 'Cut a line.', proposal: { kind: 'text', text: 'Write about {{topic}}.' } },
      { role: 'user', content: 'Keep the JSON' },
      { role: 'user', content: 'And friendlier' },
    ]);
  });

  it('sends an answer without a revision with proposal null, so the model sees it asked a question', () => {
    const turns: RefineTurn[] = [member('Hm'), answer('success', result('Which tone?', null))];
    expect(conversationMessages(turns, 'Formal')[1]).toEqual({ role: 'assistant', content: 'Which tone?', proposal: null });
  });

  it('for any mix of turns: ends with the request, and leaves out answers that did not finish', () => {
    const turnArb = fc.oneof(
      fc.string({ minLength: 1 }).map((text) => member(text)),
      fc.constantFrom<RunStatus>('running', 'error', 'cancelled').map((status) => answer(status, null, status === 'error' ? 'boom' : null)),
      fc.constant(null).map(() => answer('success', result('Done.', 'T {{topic}}'))),
      fc.constant(null).map((): RefineTurn => ({ kind: 'error', id: `e${++seq}`, message: 'Could not send' })),
    );
    fc.assert(
      fc.property(fc.array(turnArb, { maxLength: 12 }), fc.string({ minLength: 1 }), (turns, request) => {
        const messages = conversationMessages(turns, request);
        expect(messages.at(-1)).toEqual({ role: 'user', content: request });
        const finished = turns.filter((t) => t.kind === 'answer' && t.status === 'success').length;
        expect(messages.filter((m) => m.role === 'assistant')).toHaveLength(finished);
        expect(messages.filter((m) => m.role === 'user')).toHaveLength(turns.filter((t) => t.kind === 'member').length + 1);
      }),
    );
  });
});

describe('latestProposalTurn and proposalState', () => {
  it('acts on the newest answer that holds a proposal, skipping newer ones without', () => {
    const withProposal = answer('success', result('A', 'one {{topic}}'));
    const turns: RefineTurn[] = [member('a'), answer('success', result('B', 'two {{topic}}')), member('b'), withProposal, member('c'), answer('success', result('?', null)), member('d'), answer('error', null, 'Provider said no')];
    expect(latestProposalTurn(turns)?.runId).toBe(withProposal.runId);
    expect(latestProposalTurn([member('x')])).toBeNull();
  });

  it.each([
    ['running', null, null, 'streaming'],
    ['cancelled', null, null, 'stopped'],
    ['error', null, 'Provider said no', 'failed'],
    ['success', result('ok', 'T {{topic}}'), null, 'proposal'],
    ['success', result('Which tone?', null, 'The answer holds no proposed revision: ask for one.'), null, 'none'],
  ] as const)('a %s answer shows as %s', (status, res, error, kind) => {
    const state = proposalState(answer(status, res, error));
    expect(state.kind).toBe(kind);
    if (state.kind === 'failed') expect(state.message).toBe('Provider said no');
    if (state.kind === 'none') expect(state.reason).toBe('The answer holds no proposed revision: ask for one.');
  });

  it('a finished answer whose result never arrived still says there is no usable revision', () => {
    const state = proposalState(answer('success', null));
    expect(state.kind).toBe('none');
  });
});

describe('defaultSaveNote', () => {
  it('names the requests that produced revisions, oldest first', () => {
    const turns: RefineTurn[] = [
      member('What would you change?'),
      answer('success', result('Which tone?', null)),
      member('Shorter'),
      answer('success', result('Cut.', 'a {{topic}}')),
      member('Try  again\nplease'),
      answer('error', null, 'boom'),
      member('Keep the JSON'),
      answer('success', result('Kept.', 'b {{topic}}')),
    ];
    expect(defaultSaveNote(turns)).toBe('Shorter; Keep the JSON');
  });

  it('stays within its length, ending with an ellipsis', () => {
    const turns: RefineTurn[] = [member('x'.repeat(500)), answer('success', result('ok', 'a {{topic}}'))];
    const note = defaultSaveNote(turns, 200);
    expect(note).toHaveLength(200);
    expect(note.endsWith('…')).toBe(true);
  });
});

describe('draftWithProposal', () => {
  const version = {
    id: 'v', promptId: 'p', number: 1, status: 'draft' as const, committed: false,
    template: { kind: 'text' as const, text: 'Hi {{name}}' },
    variables: [{ name: 'name', description: 'Who', default: 'Ada' }],
    detectedVariables: ['name'],
    modelSettings: { models: ['oai:echo'], temperature: 0.5 },
    displayMessage: 'Greeting', commitMessage: '', author: { id: 'u', name: 'U', email: 'u@x' }, createdAt: '',
  };

  it('puts a text proposal in place, keeps the draft notes and settings, adds notes for new names', () => {
    const draft = { ...draftFromVersion(version), variables: { name: { description: 'Who (edited)', default: 'Ada', example: '' } } };
    const next = draftWithProposal(draft, { kind: 'text', text: 'Hello {{name}} from {{place}}' }, [{ name: 'name', description: 'Who' }, { name: 'place', example: 'Paris' }]);
    expect(next.mode).toBe('text');
    expect(next.text).toBe('Hello {{name}} from {{place}}');
    expect(next.variables.name?.description).toBe('Who (edited)');
    expect(next.variables.place).toEqual({ description: '', default: '', example: 'Paris' });
    expect([next.models, next.temperature, next.displayMessage]).toEqual([draft.models, draft.temperature, draft.displayMessage]);
  });

  it('switches a text draft to chat messages when the proposal is a chat', () => {
    const next = draftWithProposal(draftFromVersion(version), { kind: 'chat', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi {{name}}' }] }, []);
    expect(next.mode).toBe('chat');
    expect(next.messages.map(({ role, content }) => ({ role, content }))).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi {{name}}' },
    ]);
    expect(new Set(next.messages.map((m) => m.id)).size).toBe(2);
  });
});

describe('proposalText', () => {
  it('copies a text proposal as it is, and a chat proposal as the compare view shows it', () => {
    const text = result('ok', 'Write about {{topic}}. Shorter.');
    expect(proposalText(text.proposal!, text.diff!)).toBe('Write about {{topic}}. Shorter.');
    const chat = {
      template: { kind: 'chat' as const, messages: [{ role: 'user' as const, content: 'B' }] },
      variables: [],
    };
    const diff = { template: [{ value: '[user]\n' }, { value: 'A', removed: true }, { value: 'B', added: true }], granularity: 'words' as const, variables: { added: [], removed: [] } };
    expect(proposalText(chat, diff)).toBe('[user]\nB');
  });
});

describe('trial keys', () => {
  it('name each test case on each side, and read the side back', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('current' as const, 'proposal' as const), (caseId, side) => {
        expect(trialSideOf(trialKey(caseId, side))).toBe(side);
      }),
    );
  });
});
