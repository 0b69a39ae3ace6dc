import { type FormEvent } from 'react';
import { Button } from '../../components/Button';
import { FieldFrame } from '../../components/FieldFrame';
import { messageForField } from '../../lib/field-errors';
import { useAppStore } from '../../state/store';
import { onSendShortcut } from './run-bits';

/** The reply box under the conversation; while an answer streams, its button stops it. */
export function Composer() {
  const reply = useAppStore((s) => s.chat.reply);
  const setReply = useAppStore((s) => s.chat.setReply);
  const sendReply = useAppStore((s) => s.chat.sendReply);
  const stop = useAppStore((s) => s.chat.stop);
  const starting = useAppStore((s) => s.chat.starting);
  const error = useAppStore((s) => (s.chat.startError?.field === 'message' ? s.chat.startError : null));
  const runningId = useAppStore((s) => {
    const running = s.chat.turns.find((t) => t.kind === 'answer' && t.status === 'running');
    return running?.kind === 'answer' ? running.runId : null;
  });
  const stopping = useAppStore((s) => s.chat.turns.some((t) => t.kind === 'answer' && t.status === 'running' && t.stopping));

  const send = () => {
    if (runningId === null) void sendReply();
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    send();
  };

  return (
    <form className="chat-composer" onSubmit={onSubmit} onKeyDown={onSendShortcut(send)}>
      <div className="chat-composer__row">
        <FieldFrame chrome={{ label: 'Reply', hideLabel: true, error: error ? messageForField(error) : null, className: 'chat-composer__field' }}>
          {(ids) => (
            <textarea
              className="input input--multiline input--grow"
              rows={2}
              placeholder="Reply to continue the conversation…"
              value={reply}
              onChange={(event) => setReply(event.target.value)}
              aria-keyshortcuts="Control+Enter Meta+Enter"
              {...ids}
            />
          )}
        </FieldFrame>
        {runningId !== null ? (
          <Button onClick={() => void stop(runningId)} disabled={stopping}>
            <span className="stop-square" aria-hidden="true" />
            {stopping ? 'Stopping…' : 'Stop'}
          </Button>
        ) : (
          <Button type="submit" variant="primary" disabled={starting || reply.trim() === ''}>
            {starting ? 'Sending…' : 'Send'}
          </Button>
        )}
      </div>
      <p className="chat-composer__hint" aria-hidden="true">
        Ctrl+Enter to send
      </p>
    </form>
  );
}
