import type { KeyboardEvent } from 'react';
import type { RunUsage } from '../../../../shared/schemas/runs';
import { Link } from '../../components/Link';
import { formatDuration, formatTokens } from '../../lib/run-stream';

/** Ctrl+Enter (Cmd+Enter on macOS) sends from any field of a run form. */
export function onSendShortcut(send: () => void) {
  return (event: KeyboardEvent) => {
    if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
    event.preventDefault();
    send();
  };
}

/** Shown where a model would be chosen when the member may use none. */
export function NoModelNotice() {
  return (
    <p className="no-model">
      No model available: an admin adds an integration in <Link to={{ name: 'settings' }}>Settings</Link>.
    </p>
  );
}

interface RunMetricsProps {
  usage: RunUsage;
  latencyMs: number | null;
  ttftMs: number | null;
  className?: string;
  /** Leave out what is not known (a failed or stopped run often has no usage) instead of "—". */
  hideUnknown?: boolean;
}

/** Tokens in and out, total time and time to the first token, as one quiet line. */
export function RunMetrics({ usage, latencyMs, ttftMs, className, hideUnknown }: RunMetricsProps) {
  const items: [string, number | null, (value: number | null) => string][] = [
    ['Tokens in', usage.inputTokens, formatTokens],
    ['Tokens out', usage.outputTokens, formatTokens],
    ['Latency', latencyMs, formatDuration],
    ['First token', ttftMs, formatDuration],
  ];
  return (
    <dl className={['run-metrics', className ?? ''].filter(Boolean).join(' ')}>
      {items
        .filter(([, value]) => !hideUnknown || value !== null)
        .map(([label, value, format]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{format(value)}</dd>
          </div>
        ))}
    </dl>
  );
}

/** A blinking block at the end of text still arriving; hidden from screen readers. */
export function StreamCaret() {
  return <span className="stream-caret" aria-hidden="true" />;
}

/** A member's message in a conversation (chat, Refine with AI). */
export function MemberTurn({ text }: { text: string }) {
  return (
    <li className="chat-turn chat-turn--member">
      <span className="chat-turn__who">You</span>
      <div className="chat-bubble chat-bubble--member">{text}</div>
    </li>
  );
}

/** A message that could not be sent (refused before any run started), in place of its answer. */
export function SendErrorTurn({ message }: { message: string }) {
  return (
    <li className="chat-turn chat-turn--answer">
      <div className="chat-bubble chat-bubble--error" role="alert">
        <strong className="chat-bubble__error-title">Could not send</strong>
        <span>{message}</span>
      </div>
    </li>
  );
}
