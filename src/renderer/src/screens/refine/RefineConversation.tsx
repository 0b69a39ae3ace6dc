import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { proposalState, type RefineAnswerTurn, type RefineTurn } from '../../state/refine-conversation';
import { useAppStore } from '../../state/store';
import { MemberTurn, RunMetrics, SendErrorTurn, StreamCaret } from '../chat/run-bits';
import { ProposalView } from './ProposalView';

const ANNOUNCEMENTS: Record<RefineAnswerTurn['status'], string> = {
  running: 'Refining…',
  success: 'Answer finished',
  cancelled: 'Answer stopped',
  error: 'The answer failed',
};

/** The refine conversation: the member's requests, each answer's explanation and its proposal. */
export function RefineConversation() {
  const turns = useAppStore(useShallow((s) => s.refine.turns));
  const endRef = useRef<HTMLDivElement>(null);
  const count = turns.length;
  // A new turn scrolls into view; streaming text does not yank the reader back down.
  useEffect(() => {
    if (count > 0) endRef.current?.scrollIntoView({ block: 'nearest' });
  }, [count]);

  if (turns.length === 0) return <RefineIntro />;
  const answers = turns.filter((t): t is RefineAnswerTurn => t.kind === 'answer');
  const last = answers[answers.length - 1];
  const latestWithProposal = [...answers].reverse().find((a) => a.result?.proposal)?.runId ?? null;
  // Answers are named "Answer 1", "Answer 2"… as chat names them.
  const numbers = new Map(answers.map((a, i) => [a.id, i + 1]));
  return (
    <section className="refine-log" aria-label="Refine conversation">
      <ol className="refine-log__turns">
        {turns.map((turn) => (
          <Turn key={turn.id} turn={turn} number={numbers.get(turn.id) ?? 0} latest={turn.kind === 'answer' && turn.runId === latestWithProposal} />
        ))}
      </ol>
      <p role="status" className="visually-hidden">
        {last ? ANNOUNCEMENTS[last.status] : ''}
      </p>
      <div ref={endRef} />
    </section>
  );
}

function RefineIntro() {
  const canSave = useAppStore((s) => s.refine.prep?.canSave ?? false);
  return (
    <div className="refine-intro">
      <p>Describe what to change. The model answers with an explanation and a revised template, shown as a diff against the current version.</p>
      <p className="muted">
        {canSave
          ? 'Nothing is saved until you apply the proposal to the draft or save it as a new version. “Try it” runs it beside the current version on your test cases first.'
          : 'You may view this prompt but not edit it: you can refine and copy a proposal, not save it.'}
      </p>
    </div>
  );
}

function Turn({ turn, number, latest }: { turn: RefineTurn; number: number; latest: boolean }) {
  switch (turn.kind) {
    case 'member':
      return <MemberTurn text={turn.text} />;
    case 'error':
      return <SendErrorTurn message={turn.message} />;
    case 'answer':
      return <Answer turn={turn} number={number} latest={latest} />;
  }
}

function Answer({ turn, number, latest }: { turn: RefineAnswerTurn; number: number; latest: boolean }) {
  const state = proposalState(turn);
  const explanation = turn.result?.explanation ?? '';
  return (
    <li className="chat-turn chat-turn--answer">
      <article className="refine-answer" aria-label={`Answer ${number}`} aria-busy={state.kind === 'streaming'}>
        <span className="chat-turn__who">
          <code>{turn.model}</code>
          <span className="badge badge--muted" aria-label={`Refines version ${turn.version}`}>
            v{turn.version}
          </span>
        </span>
        {/* While it streams (or when it broke off) the answer shows as written; once read, its explanation. */}
        {(state.kind === 'streaming' || state.kind === 'stopped' || (state.kind === 'failed' && turn.text !== '')) && (
          <div className={`chat-bubble chat-bubble--answer${state.kind === 'stopped' ? ' chat-bubble--stopped' : ''}`}>
            {turn.text}
            {state.kind === 'streaming' && <StreamCaret />}
            {state.kind === 'streaming' && turn.text === '' && <span className="chat-bubble__waiting">{turn.stopping ? 'Stopping…' : 'Waiting for the model…'}</span>}
          </div>
        )}
        {(state.kind === 'proposal' || state.kind === 'none') && explanation !== '' && <div className="chat-bubble chat-bubble--answer">{explanation}</div>}
        {state.kind === 'failed' && (
          <div className="chat-bubble chat-bubble--error" role="alert">
            <strong className="chat-bubble__error-title">{turn.text === '' ? 'No answer' : 'The answer broke off'}</strong>
            <span>{state.message}</span>
          </div>
        )}
        {state.kind === 'none' && (
          <div className="refine-no-revision" role="note">
            <strong>No usable revision in this answer.</strong> {state.reason}
          </div>
        )}
        {/* Tokens and time under the answer's words, as chat shows them; the proposal and its actions follow. */}
        {state.kind !== 'streaming' && (
          <div className="chat-answer__footer">
            {state.kind === 'stopped' && <span className="chat-answer__stopped">Stopped</span>}
            <RunMetrics usage={turn.usage} latencyMs={turn.latencyMs} ttftMs={turn.ttftMs} hideUnknown />
          </div>
        )}
        {state.kind === 'proposal' && (
          latest ? (
            <ProposalView turn={turn} proposal={state.proposal} diff={state.diff} />
          ) : (
            <details className="refine-earlier">
              <summary>Earlier proposal (a newer one is below)</summary>
              <ProposalView turn={turn} proposal={state.proposal} diff={state.diff} readOnly />
            </details>
          )
        )}
      </article>
    </li>
  );
}
