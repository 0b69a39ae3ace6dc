import { useEffect, useId, useRef, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { FieldFrame } from '../../components/FieldFrame';
import { SelectField } from '../../components/SelectField';
import { messageForField } from '../../lib/field-errors';
import { useAppStore } from '../../state/store';
import { NoModelNotice, onSendShortcut } from '../chat/run-bits';
import { RefineConversation } from './RefineConversation';
import { useFillViewport } from './use-fill-viewport';

/**
 * "Refine with AI" beside the editor: a conversation with a model about the prompt's newest
 * version, which the main process pre-loads (template, variables, settings, test cases). Each
 * answer's proposal shows as a diff with Apply, Save as version, Copy and Try it.
 */
export function RefinePanel() {
  const ref = useRef<HTMLElement>(null);
  const titleId = useId();
  const close = useAppStore((s) => s.refine.close);
  const newConversation = useAppStore((s) => s.refine.newConversation);
  const hasTurns = useAppStore((s) => s.refine.turns.length > 0);
  const attach = useAppStore((s) => s.refine.attach);
  const detach = useAppStore((s) => s.refine.detach);
  useFillViewport(ref);

  // Answers and "Try it" runs stream while the panel shows; reopening picks them up where they were.
  useEffect(() => {
    attach();
    return detach;
  }, [attach, detach]);

  return (
    <aside ref={ref} className="refine-panel" aria-labelledby={titleId}>
      <header className="refine-panel__header">
        <h2 id={titleId} className="refine-panel__title">
          Refine with AI
        </h2>
        <div className="refine-panel__header-actions">
          <Button size="sm" variant="ghost" onClick={newConversation} disabled={!hasTurns}>
            New conversation
          </Button>
          <Button size="sm" variant="ghost" onClick={close} aria-label="Close Refine with AI" title="Close (the conversation is kept)">
            <span aria-hidden="true">✕</span>
          </Button>
        </div>
      </header>
      <RefineBody />
    </aside>
  );
}

function RefineBody() {
  const status = useAppStore((s) => s.refine.prepStatus);
  const error = useAppStore((s) => s.refine.prepError);
  const prepare = useAppStore((s) => s.refine.prepare);
  if (status === 'error') {
    return (
      <div className="refine-panel__scroll">
        <Banner tone="error" action={<Button size="sm" onClick={() => void prepare()}>Try again</Button>}>
          Could not get this prompt ready to refine: {error}
        </Banner>
      </div>
    );
  }
  if (status !== 'ready') return <div className="skeleton-list refine-panel__loading" aria-busy="true" aria-label="Loading Refine with AI" />;
  return (
    <>
      <LoadedContext />
      <div className="refine-panel__scroll">
        <RefineConversation />
      </div>
      <RefineComposer />
    </>
  );
}

/** What the model is given, so the member knows what it knows: version, variables, test cases. */
function LoadedContext() {
  const prep = useAppStore((s) => s.refine.prep);
  const models = useAppStore(useShallow((s) => s.refine.prep?.models ?? []));
  const model = useAppStore((s) => s.refine.model);
  const setModel = useAppStore((s) => s.refine.setModel);
  const modelError = useAppStore((s) => (s.refine.startError?.field === 'model' ? s.refine.startError.message : null));
  if (!prep) return null;
  // The refined version's own variables, whatever version the editor's draft is based on.
  const { variables } = prep;
  return (
    <div className="refine-context">
      <div className="refine-context__loaded" role="group" aria-label="Context given to the model" title="The model gets the template, variables with their notes, model settings, display message, description and the test cases with their latest outputs">
        <span className="refine-context__label">Loaded:</span>
        <span className="badge">v{prep.version}</span>
        {variables && (
          <span className="refine-context__item" title={variables.map((v) => `{{${v}}}`).join(' ')}>
            {variables.length === 0 ? 'no variables' : variables.length === 1 ? `variable ${variables[0]}` : `${variables.length} variables: ${variables.join(', ')}`}
          </span>
        )}
        <span className="refine-context__item">{prep.testCases === 1 ? '1 test case' : `${prep.testCases} test cases`}</span>
      </div>
      {models.length === 0 ? (
        <NoModelNotice />
      ) : (
        <div className="refine-context__model">
          <SelectField label="Model" className="field--compact" options={models.map((m) => ({ value: m, label: m }))} value={model} onChange={(event) => setModel(event.target.value)} />
          {modelError && <p className="field__error">{modelError}</p>}
        </div>
      )}
    </div>
  );
}

function RefineComposer() {
  const request = useAppStore((s) => s.refine.request);
  const setRequest = useAppStore((s) => s.refine.setRequest);
  const send = useAppStore((s) => s.refine.send);
  const stop = useAppStore((s) => s.refine.stop);
  const starting = useAppStore((s) => s.refine.starting);
  const noModels = useAppStore((s) => (s.refine.prep?.models.length ?? 0) === 0);
  const error = useAppStore((s) => (s.refine.startError?.field?.startsWith('messages') ? s.refine.startError : null));
  const running = useAppStore(
    useShallow((s) => {
      const turn = s.refine.turns.find((t) => t.kind === 'answer' && t.status === 'running');
      return turn?.kind === 'answer' ? { runId: turn.runId, stopping: turn.stopping } : null;
    }),
  );
  const first = useAppStore((s) => s.refine.turns.length === 0);

  const submit = () => {
    if (running === null && !noModels) void send();
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit();
  };
  return (
    <form className="refine-composer" onSubmit={onSubmit} onKeyDown={onSendShortcut(submit)} noValidate>
      <FieldFrame chrome={{ label: 'What to change', hideLabel: true, error: error ? messageForField(error) : null, className: 'refine-composer__field' }}>
        {(ids) => (
          <textarea
            className="input input--multiline input--grow"
            rows={2}
            placeholder={first ? 'Describe what to change, e.g. “shorter”, “keep the JSON format”…' : 'Reply to refine further…'}
            value={request}
            maxLength={20_000}
            onChange={(event) => setRequest(event.target.value)}
            aria-keyshortcuts="Control+Enter Meta+Enter"
            {...ids}
          />
        )}
      </FieldFrame>
      {running !== null ? (
        <Button onClick={() => void stop(running.runId)} disabled={running.stopping}>
          <span className="stop-square" aria-hidden="true" />
          {running.stopping ? 'Stopping…' : 'Stop'}
        </Button>
      ) : (
        <Button type="submit" variant="primary" disabled={starting || noModels || request.trim() === ''}>
          {starting ? 'Sending…' : 'Send'}
        </Button>
      )}
    </form>
  );
}
