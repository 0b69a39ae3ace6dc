import { useState, type FormEvent } from 'react';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { TextAreaField } from '../../components/TextAreaField';
import { TextField } from '../../components/TextField';
import { api, unwrap } from '../../lib/api';
import { fieldIsUnder, messageForField, toFormError, type FormError } from '../../lib/field-errors';
import { useAppStore } from '../../state/store';

const FIELDS = ['name', 'title', 'description', 'tags', 'slashCommand'] as const;
type Field = (typeof FIELDS)[number];

const splitTags = (text: string) =>
  text
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);

export function NewPromptDialog({ onClose }: { onClose(): void }) {
  const navigate = useAppStore((s) => s.route.navigate);
  const requestTemplateFocus = useAppStore((s) => s.editor.requestTemplateFocus);
  const [values, setValues] = useState<Record<Field, string>>({
    name: '',
    title: '',
    description: '',
    tags: '',
    slashCommand: '',
  });
  const [error, setError] = useState<FormError | null>(null);
  const [busy, setBusy] = useState(false);

  const errorFor = (field: Field) => (error && fieldIsUnder(error.field, field) ? messageForField(error) : null);
  const formLevelError = error && !FIELDS.some((f) => fieldIsUnder(error.field, f)) ? error.message : null;

  const bind = (field: Field) => ({
    value: values[field],
    error: errorFor(field),
    onChange: (event: { target: { value: string } }) => {
      setValues((v) => ({ ...v, [field]: event.target.value }));
      // The message was about the old value: drop it once the user changes that field.
      setError((current) => (current && fieldIsUnder(current.field, field) ? null : current));
    },
  });

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await unwrap(
        api.prompts.create({
          name: values.name.trim(),
          title: values.title,
          description: values.description,
          tags: splitTags(values.tags),
          slashCommand: values.slashCommand.trim() === '' ? null : values.slashCommand,
        }),
      );
      onClose();
      // The next thing to do is write the template: start there.
      requestTemplateFocus();
      navigate({ name: 'editor', promptName: created.name });
    } catch (failure) {
      setError(toFormError(failure));
      setBusy(false);
    }
  }

  return (
    <Dialog title="New prompt" onClose={() => !busy && onClose()}>
      <form className="form" onSubmit={submit} noValidate>
        {formLevelError && <Banner tone="error">{formLevelError}</Banner>}
        <TextField
          label="Name"
          hint="The prompt's key in URLs and the API, e.g. support-reply. Letters, digits, dot, dash, underscore."
          autoFocus
          autoComplete="off"
          spellCheck={false}
          {...bind('name')}
        />
        <TextField label="Title" autoComplete="off" {...bind('title')} />
        <TextAreaField label="Description" rows={2} {...bind('description')} />
        <TextField label="Tags" hint="Comma separated, e.g. support, email" autoComplete="off" {...bind('tags')} />
        <TextField
          label="Slash command"
          hint="Optional. Lets chat users insert this prompt with /command."
          autoComplete="off"
          spellCheck={false}
          {...bind('slashCommand')}
        />
        <div className="dialog__actions">
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create prompt'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
