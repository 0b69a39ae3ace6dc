import { useId } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { MessageRole } from '../../../../shared/template/template';
import { Button } from '../../components/Button';
import { SelectField } from '../../components/SelectField';
import { useAppStore } from '../../state/store';
import { CodeEditor } from './CodeEditor';
import { useSlotError } from './use-slot-error';

const ROLES = [
  { value: 'system', label: 'System' },
  { value: 'user', label: 'User' },
  { value: 'assistant', label: 'Assistant' },
] as const;

export function ChatTemplate() {
  const ids = useAppStore(useShallow((s) => s.editor.draft.messages.map((m) => m.id)));
  const addMessage = useAppStore((s) => s.editor.addMessage);
  const listError = useSlotError({ kind: 'template' });
  return (
    <div className="chat-template">
      <ol className="chat-template__list">
        {ids.map((id, index) => (
          <ChatMessageEditor key={id} id={id} index={index} canRemove={ids.length > 1} />
        ))}
      </ol>
      {listError && <p className="field__error">{listError}</p>}
      <Button size="sm" onClick={addMessage}>
        Add message
      </Button>
    </div>
  );
}

function ChatMessageEditor({ id, index, canRemove }: { id: string; index: number; canRemove: boolean }) {
  const message = useAppStore((s) => s.editor.draft.messages.find((m) => m.id === id));
  const setRole = useAppStore((s) => s.editor.setMessageRole);
  const setContent = useAppStore((s) => s.editor.setMessageContent);
  const remove = useAppStore((s) => s.editor.removeMessage);
  const error = useSlotError({ kind: 'message', index });
  const errorId = useId();
  if (!message) return null;
  const number = index + 1;
  return (
    <li className={`chat-message chat-message--${message.role}`}>
      <div className="chat-message__header">
        <SelectField
          label={`Role for message ${number}`}
          hideLabel
          options={ROLES}
          value={message.role}
          onChange={(event) => setRole(id, event.target.value as MessageRole)}
          className="chat-message__role"
        />
        <span className="chat-message__number" aria-hidden="true">
          #{number}
        </span>
        <Button
          size="sm"
          variant="ghost"
          onClick={() => remove(id)}
          disabled={!canRemove}
          aria-label={`Remove message ${number}`}
          title="Remove message"
        >
          Remove
        </Button>
      </div>
      <CodeEditor
        value={message.content}
        onChange={(content) => setContent(id, content)}
        label={`Message ${number} content`}
        describedBy={error ? errorId : undefined}
        invalid={Boolean(error)}
        placeholderText={message.role === 'system' ? 'Instructions for the model…' : 'Message text with {{variables}}…'}
      />
      {error && (
        <p id={errorId} className="field__error">
          {error}
        </p>
      )}
    </li>
  );
}
