import { useEffect, useMemo, useState } from 'react';
import type { ChatMessage } from '../../../../shared/template/template';
import { isTemplateEmpty } from '../../../../shared/template/template';
import { api, unwrap } from '../../lib/api';
import { toFormError } from '../../lib/field-errors';
import { useDebouncedValue } from '../../lib/use-debounced-value';
import { useAppStore } from '../../state/store';
import { previewRequest, type PreviewRequest } from './preview-request';

const PREVIEW_DEBOUNCE_MS = 400;

type Outcome = { key: string; messages: ChatMessage[] } | { key: string; error: string; missingValue: boolean };

export function PreviewPanel() {
  const draft = useAppStore((s) => s.editor.draft);
  const analysis = useAppStore((s) => s.editor.analysis);
  const request = useMemo(
    () => (analysis.ok ? previewRequest(draft, analysis.variables) : null),
    [draft, analysis],
  );
  const key = useMemo(() => (request ? JSON.stringify(request) : ''), [request]);
  const debouncedKey = useDebouncedValue(key, PREVIEW_DEBOUNCE_MS);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const empty = request === null || isTemplateEmpty(request.template);

  useEffect(() => {
    if (debouncedKey === '') return;
    const body = JSON.parse(debouncedKey) as PreviewRequest;
    if (isTemplateEmpty(body.template)) return;
    let current = true;
    unwrap(api.render.preview(body)).then(
      (rendered) => current && setOutcome({ key: debouncedKey, messages: rendered.messages }),
      (error: unknown) => {
        if (!current) return;
        const { message, field } = toFormError(error);
        setOutcome({ key: debouncedKey, error: message, missingValue: field?.startsWith('variables.') ?? false });
      },
    );
    return () => {
      current = false;
    };
  }, [debouncedKey]);

  let body;
  if (!analysis.ok) body = <p className="panel__empty">Fix the template problem to see a preview.</p>;
  else if (empty) body = <p className="panel__empty">Write a template to see it rendered here.</p>;
  else if (!outcome) body = <p className="panel__empty">Rendering…</p>;
  else if ('error' in outcome) {
    body = (
      <p className="preview__problem">
        {outcome.error}
        {outcome.missingValue && '. Give it an example or a default under Variables.'}
      </p>
    );
  }
  else body = <PreviewMessages messages={outcome.messages} />;

  return (
    <section className="panel" aria-labelledby="preview-heading" aria-busy={outcome?.key !== key && !empty}>
      <h2 id="preview-heading" className="panel__title">
        Preview
      </h2>
      <p className="panel__hint">Rendered with each variable's example, or its default.</p>
      {body}
    </section>
  );
}

function PreviewMessages({ messages }: { messages: ChatMessage[] }) {
  const showRoles = messages.length > 1 || messages[0]?.role !== 'user';
  return (
    <ol className="preview">
      {messages.map((message, index) => (
        <li key={index} className="preview__message">
          {showRoles && <span className="preview__role">{message.role}</span>}
          <pre className="preview__text">{message.content}</pre>
        </li>
      ))}
    </ol>
  );
}
