import { useState, type FormEvent } from 'react';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { TextAreaField } from '../../components/TextAreaField';
import { TextField } from '../../components/TextField';
import { api, unwrap } from '../../lib/api';
import { useCopy } from '../../lib/clipboard';
import { fieldIsUnder, messageForField, toFormError, type FormError } from '../../lib/field-errors';
import { draftTemplate, draftToSaveInput } from '../../state/editor-draft';
import { useAppStore } from '../../state/store';
import { draftAsText } from './draft-text';
import './lost-draft.css';

/**
 * What the editor shows when the open prompt stops answering (deleted, or hidden from this
 * member) while it holds unsaved edits: the draft stays on screen, read-only, with a Copy button
 * and "Save as new prompt" (create a prompt with the name typed here, then save the draft as its
 * first version; a refused name shows at the field). One message for deleted and hidden: a reload
 * says "not found" for both (hidden = missing), so the live page may not tell them apart. When the
 * prompt answers again (access restored), editor.follow brings the editor back with the draft.
 */
export function LostDraft({ promptName }: { promptName: string }) {
  const draft = useAppStore((s) => s.editor.draft);
  const navigate = useAppStore((s) => s.route.navigate);
  const discardChanges = useAppStore((s) => s.editor.discardChanges);
  const [copyState, copy] = useCopy();
  const [naming, setNaming] = useState(false);
  const [newName, setNewName] = useState(`${promptName}-copy`);
  const [error, setError] = useState<FormError | null>(null);
  const [busy, setBusy] = useState(false);
  const text = draftAsText(draftTemplate(draft));
  const nameError = error && fieldIsUnder(error.field, 'name') ? messageForField(error) : null;

  async function saveAsNew(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await unwrap(api.prompts.create({ name: newName.trim(), title: newName.trim(), description: '', tags: [], slashCommand: null }));
      await unwrap(api.versions.save(draftToSaveInput(draft, created.name, 0, `Unsaved draft of ${promptName}`)));
      // Saved where it can live now: leaving the lost prompt has nothing left to ask about.
      discardChanges();
      navigate({ name: 'editor', promptName: created.name });
    } catch (failure) {
      setError(toFormError(failure));
      setBusy(false);
    }
  }

  return (
    <section className="lost-draft" aria-labelledby="lost-draft-title">
      <h2 id="lost-draft-title" className="lost-draft__title">
        This prompt is no longer available to you
      </h2>
      <p>
        “{promptName}” was deleted, or its sharing changed, so it cannot be saved here. Your unsaved changes are kept below: copy
        them, or save them as a new prompt. If it becomes available to you again, the editor comes back with your draft.
      </p>
      <TextAreaField label="Your unsaved draft" readOnly rows={10} value={text} spellCheck={false} />
      <div className="lost-draft__actions">
        <Button onClick={() => void copy(text)}>{copyState === 'copied' ? 'Copied' : copyState === 'failed' ? 'Copy failed: select the text' : 'Copy draft'}</Button>
        {!naming && (
          <Button variant="primary" onClick={() => setNaming(true)}>
            Save as new prompt
          </Button>
        )}
      </div>
      {naming && (
        <form className="form lost-draft__form" onSubmit={saveAsNew} noValidate>
          {error && !nameError && <Banner tone="error">{error.message}</Banner>}
          <TextField
            label="New prompt name"
            hint="Letters, digits, dot, dash, underscore."
            autoFocus
            autoComplete="off"
            spellCheck={false}
            value={newName}
            error={nameError}
            onChange={(e) => {
              setNewName(e.target.value);
              setError(null);
            }}
          />
          <div className="dialog__actions">
            <Button onClick={() => setNaming(false)} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" variant="primary" disabled={busy}>
              {busy ? 'Saving…' : 'Save as new prompt'}
            </Button>
          </div>
        </form>
      )}
    </section>
  );
}
