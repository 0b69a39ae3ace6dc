import { useId } from 'react';
import { mayEditPrompt } from '../../state/editor-slice';
import { useAppStore } from '../../state/store';
import { CodeEditor } from './CodeEditor';
import { useSlotError } from './use-slot-error';

export function TextTemplate() {
  const text = useAppStore((s) => s.editor.draft.text);
  const setText = useAppStore((s) => s.editor.setText);
  const readOnly = useAppStore((s) => mayEditPrompt(s) === false);
  const focusRequest = useAppStore((s) => s.editor.focusTemplate);
  const focused = useAppStore((s) => s.editor.templateFocused);
  const error = useSlotError({ kind: 'template' });
  const errorId = useId();
  return (
    <div className="template-field">
      <CodeEditor
        value={text}
        onChange={readOnly ? undefined : setText}
        focusRequest={focusRequest}
        onFocused={focused}
        label="Template"
        describedBy={error ? errorId : undefined}
        invalid={Boolean(error)}
        placeholderText="Write the prompt. Insert variables with {{name}}."
      />
      {error && (
        <p id={errorId} className="field__error">
          {error}
        </p>
      )}
    </div>
  );
}
