import { useId } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { MessageRole } from '../../../../shared/template/template';
import { Button } from '../../components/Button';
import { SelectField } from '../../components/SelectField';
import { mayEditPrompt } from '../../state/editor-slice';
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
  const readOnly = useAppStore((s) => mayEditPrompt(s) === false);
  const focusRequest = useAppStore((s) => s.editor.focusTemplate);
  return (
    <div className="chat-template">
      <ol className="chat-template__list">
        {ids.map((id, index) => (
          <ChatMessageEditor key={id} id={id} index={index} canRemove={ids.length > 1} readOnly={readOnly} focusRequest={index === 0 ? focusRequest : 0} />
        ))}
      </ol>
      {listError && <p className="field__error">{listError}</p>}
      {!readOnly && (
        <Button size="sm" onClick={addMessage}>
          Add message
        </Button>
      )}
    </div>
  );
}

function ChatMessageEditor({ id, index, canRemove, readOnly, focusRequest }: { id: string; index: number; canRemove: boolean; readOnly: boolean; focusRequest: number }) {
  const message = useAppStore((s) => s.editor.draft.messages.find((m) => m.id === id));
  const setRole = useAppStore((s) => s.editor.setMessageRole);
  const setContent = useAppStore((s) => s.editor.setMessageContent);
  const remove = useAppStore((s) => s.editor.removeMessage);
  const focused = useAppStore((s) => s.editor.templateFocused);
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
          disabled={readOnly}
          className="chat-message__role"
        />
        <span className="chat-message__number" aria-hidden="true">
          #{number}
        </span>
        {!readOnly && (
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
        )}
      </div>
      <CodeEditor
        value={message.content}
        onChange={readOnly ? undefined : (content) => setContent(id, content)}
        focusRequest={focusRequest}
        onFocused={focused}
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
