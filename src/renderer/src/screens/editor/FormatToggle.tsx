import type { TemplateMode } from '../../state/editor-draft';
import { mayEditPrompt } from '../../state/editor-slice';
import { useAppStore } from '../../state/store';

const MODES: { value: TemplateMode; label: string }[] = [
  { value: 'text', label: 'Text' },
  { value: 'chat', label: 'Chat' },
];

/** Text (one prompt) or Chat (role-tagged messages); the words carry over when switching. */
export function FormatToggle() {
  const mode = useAppStore((s) => s.editor.draft.mode);
  const setMode = useAppStore((s) => s.editor.setMode);
  const readOnly = useAppStore((s) => mayEditPrompt(s) === false);
  return (
    <div className="segmented" role="group" aria-label="Format">
      {MODES.map((m) => (
        <button
          key={m.value}
          type="button"
          className="segmented__option"
          aria-pressed={mode === m.value}
          disabled={readOnly}
          onClick={() => setMode(m.value)}
        >
          {m.label}
        </button>
      ))}
    </div>
  );
}
