import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Button } from '../../components/Button';
import { TextField } from '../../components/TextField';
import type { AnswerTurn, ChatTurn, Rating } from '../../state/chat-slice';
import { useAppStore } from '../../state/store';
import { MemberTurn, RunMetrics, SendErrorTurn, StreamCaret } from './run-bits';

/** Within this many pixels of the bottom, new text keeps the view scrolled to the end. */
const PINNED_SLACK_PX = 96;

const ANNOUNCEMENTS: Record<AnswerTurn['status'], string> = {
  running: 'Answering…',
  success: 'Answer finished',
  cancelled: 'Answer stopped',
  error: 'The answer failed',
};

export function Conversation() {
  const turns = useAppStore(useShallow((s) => s.chat.turns));
  const endRef = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);

  // Follow the stream like a terminal does, unless the reader scrolled up to read.
  useEffect(() => {
    const scroller = endRef.current?.closest('.shell__main');
    if (!scroller) return;
    const onScroll = () => {
      pinned.current = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < PINNED_SLACK_PX;
    };
    scroller.addEventListener('scroll', onScroll, { passive: true });
    return () => scroller.removeEventListener('scroll', onScroll);
  }, []);
  useEffect(() => {
    // To the very end of the page, not just this list's end: the composer is sticky at the
    // bottom and would cover the newest answer's rating; at the end it sits below it instead.
    const scroller = endRef.current?.closest('.shell__main');
    if (pinned.current && scroller) scroller.scrollTop = scroller.scrollHeight;
  }, [turns]);

  const answers = turns.filter((t): t is AnswerTurn => t.kind === 'answer');
  const last = answers[answers.length - 1];
  const numbers = answerNumbers(turns);
  return (
    <section className="chat-log" aria-label="Conversation">
      <ol className="chat-log__turns">
        {turns.map((turn) => (
          <Turn key={turn.id} turn={turn} number={numbers.get(turn.id) ?? 0} />
        ))}
      </ol>
      <p role="status" className="visually-hidden">
        {last ? ANNOUNCEMENTS[last.status] : ''}
      </p>
      <div ref={endRef} />
    </section>
  );
}

/** Answers are named "Answer 1", "Answer 2"… so each rating group has its own name. */
function answerNumbers(turns: ChatTurn[]): Map<string, number> {
  const numbers = new Map<string, number>();
  for (const turn of turns) if (turn.kind === 'answer') numbers.set(turn.id, numbers.size + 1);
  return numbers;
}

function Turn({ turn, number }: { turn: ChatTurn; number: number }) {
  switch (turn.kind) {
    case 'member':
      return <MemberTurn text={turn.text} />;
    case 'error':
      return <SendErrorTurn message={turn.message} />;
    case 'answer':
      return <Answer turn={turn} number={number} />;
  }
}

function Answer({ turn, number }: { turn: AnswerTurn; number: number }) {
  const running = turn.status === 'running';
  const failed = turn.status === 'error';
  return (
    <li className="chat-turn chat-turn--answer">
      <article className="chat-answer" aria-label={`Answer ${number}`} aria-busy={running}>
        <span className="chat-turn__who">
          <code>{turn.model}</code>
          {turn.version !== null && (
            <span className="badge badge--muted chat-answer__version" aria-label={`Version ${turn.version}`}>
              v{turn.version}
            </span>
          )}
        </span>
        {(turn.text !== '' || running) && (
          <div className={`chat-bubble chat-bubble--answer${turn.status === 'cancelled' ? ' chat-bubble--stopped' : ''}`}>
            {turn.text}
            {running && <StreamCaret />}
            {running && turn.text === '' && <span className="chat-bubble__waiting">{turn.stopping ? 'Stopping…' : 'Waiting for the model…'}</span>}
          </div>
        )}
        {failed && (
          <div className="chat-bubble chat-bubble--error" role="alert">
            <strong className="chat-bubble__error-title">{turn.text === '' ? 'No answer' : 'The answer broke off'}</strong>
            <span>{turn.error?.message ?? 'The model run failed.'}</span>
          </div>
        )}
        {!running && (
          <div className="chat-answer__footer">
            {turn.status === 'cancelled' && <span className="chat-answer__stopped">Stopped</span>}
            <RunMetrics usage={turn.usage} latencyMs={turn.latencyMs} ttftMs={turn.ttftMs} hideUnknown />
          </div>
        )}
        {(turn.status === 'success' || turn.status === 'cancelled') && <AnswerRating turn={turn} />}
      </article>
    </li>
  );
}

const RATINGS: { value: Rating; label: string }[] = [
  { value: 'useful', label: 'Useful' },
  { value: 'not_useful', label: 'Not useful' },
];

function AnswerRating({ turn }: { turn: AnswerTurn }) {
  const rate = useAppStore((s) => s.chat.rate);
  const setComment = useAppStore((s) => s.chat.setComment);
  const saveComment = useAppStore((s) => s.chat.saveComment);
  const commentChanged = turn.comment.trim() !== turn.savedComment;
  return (
    <div className="chat-rating">
      <div className="chat-rating__row">
        <div className="chat-rating__buttons" role="group" aria-label="Rate this answer">
          {RATINGS.map(({ value, label }) => (
            <Button
              key={value}
              size="sm"
              variant="ghost"
              className="chat-rating__button"
              aria-pressed={turn.rating === value}
              disabled={turn.ratingBusy}
              onClick={() => void rate(turn.runId, value)}
            >
              {label}
            </Button>
          ))}
        </div>
        <span role="status" className="chat-rating__notice">
          {turn.ratingNotice}
        </span>
      </div>
      {turn.ratingError && <p className="field__error">{turn.ratingError}</p>}
      {turn.rating !== null && (
        <form
          className="chat-rating__comment"
          onSubmit={(event) => {
            event.preventDefault();
            void saveComment(turn.runId);
          }}
        >
          <TextField
            label="Comment (optional)"
            className="field--compact"
            placeholder="What made it useful, or not?"
            value={turn.comment}
            maxLength={2000}
            onChange={(event) => setComment(turn.runId, event.target.value)}
          />
          <Button type="submit" disabled={turn.ratingBusy || !commentChanged}>
            Save comment
          </Button>
        </form>
      )}
    </div>
  );
}
