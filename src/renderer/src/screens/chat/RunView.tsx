import { type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { RunnablePrompt } from '../../../../shared/schemas/runs';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { FieldFrame } from '../../components/FieldFrame';
import { messageForField } from '../../lib/field-errors';
import { useAppStore } from '../../state/store';
import { Conversation } from './Conversation';
import { Composer } from './Composer';
import { NoModelNotice, onSendShortcut } from './run-bits';

/** One prompt being run: its form first, then the conversation it started. */
export function RunView() {
  const promptName = useAppStore((s) => s.chat.promptName);
  const prepared = useAppStore((s) => s.chat.prepared);
  const status = useAppStore((s) => s.chat.prepareStatus);
  const error = useAppStore((s) => s.chat.prepareError);
  const started = useAppStore((s) => s.chat.conversationId !== null);
  const open = useAppStore((s) => s.chat.open);
  const close = useAppStore((s) => s.chat.close);
  const newChat = useAppStore((s) => s.chat.newChat);

  return (
    <div className="screen screen--narrow chat-run">
      <header className="screen__header">
        <div className="chat-run__heading">
          <Button variant="ghost" size="sm" className="chat-run__back" onClick={close}>
            <span aria-hidden="true">←</span> All prompts
          </Button>
          <h1 className="screen__title">{prepared?.title ?? promptName}</h1>
          {prepared?.description && <p className="screen__subtitle">{prepared.description}</p>}
        </div>
        {started && (
          <Button onClick={newChat} className="chat-run__new">
            New chat
          </Button>
        )}
      </header>
      {status === 'error' && (
        <EmptyState
          title="Could not open this prompt"
          action={<Button onClick={() => promptName && void open(promptName)}>Try again</Button>}
        >
          <p>{error}</p>
        </EmptyState>
      )}
      {status === 'loading' && <div className="skeleton-list" aria-busy="true" aria-label="Loading prompt" />}
      {status === 'ready' && prepared && (started ? <Started prepared={prepared} /> : <SetupForm prepared={prepared} />)}
    </div>
  );
}

function Started({ prepared }: { prepared: RunnablePrompt }) {
  return (
    <>
      <SetupSummary prepared={prepared} />
      <Conversation />
      <Composer />
    </>
  );
}

/** After the first run: what it was run with, in one line. "New chat" goes back to the form. */
function SetupSummary({ prepared }: { prepared: RunnablePrompt }) {
  const values = useAppStore(useShallow((s) => s.chat.values));
  const model = useAppStore((s) => s.chat.model);
  return (
    <dl className="chat-summary" aria-label="Run with">
      {model && (
        <div>
          <dt>Model</dt>
          <dd>
            <code>{model}</code>
          </dd>
        </div>
      )}
      {prepared.variables.map((v) => (
        <div key={v.name}>
          <dt>{v.name}</dt>
          <dd title={values[v.name] ?? ''}>{values[v.name] || <span className="muted">{v.default ? 'default' : 'empty'}</span>}</dd>
        </div>
      ))}
    </dl>
  );
}

function SetupForm({ prepared }: { prepared: RunnablePrompt }) {
  const run = useAppStore((s) => s.chat.run);
  const starting = useAppStore((s) => s.chat.starting);
  const startError = useAppStore((s) => s.chat.startError);
  const noModels = prepared.models.length === 0;
  const send = () => {
    if (!noModels) void run();
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    send();
  };
  const bannerError = startError && !startError.field?.startsWith('variables.') && startError.field !== 'model' ? startError.message : null;

  return (
    <form className="panel chat-setup" aria-labelledby="chat-setup-title" onSubmit={onSubmit} onKeyDown={onSendShortcut(send)} noValidate>
      <h2 id="chat-setup-title" className="panel__title">
        {prepared.variables.length > 0 ? 'Fill in the prompt' : 'Run the prompt'}
      </h2>
      {bannerError && <Banner tone="error">{bannerError}</Banner>}
      {prepared.variables.length > 0 && (
        <div className="chat-setup__fields">
          {prepared.variables.map((variable, index) => (
            <VariableInput key={variable.name} variable={variable} isFirst={index === 0} />
          ))}
        </div>
      )}
      <div className="chat-setup__footer">
        {noModels ? <NoModelNotice /> : <ModelSelect models={prepared.models} />}
        <div className="chat-setup__actions">
          <span className="chat-setup__shortcut" aria-hidden="true">
            Ctrl+Enter
          </span>
          <Button type="submit" variant="primary" disabled={noModels || starting} aria-keyshortcuts="Control+Enter Meta+Enter">
            {starting ? 'Starting…' : 'Run'}
          </Button>
        </div>
      </div>
    </form>
  );
}

function VariableInput({ variable, isFirst }: { variable: RunnablePrompt['variables'][number]; isFirst: boolean }) {
  const value = useAppStore((s) => s.chat.values[variable.name] ?? '');
  const setValue = useAppStore((s) => s.chat.setValue);
  const error = useAppStore((s) => (s.chat.startError?.field === `variables.${variable.name}` ? s.chat.startError : null));
  return (
    <FieldFrame
      chrome={{
        label: (
          <>
            <code>{variable.name}</code>
            {variable.required && <span className="required-mark"> (required)</span>}
          </>
        ),
        hint: variable.description,
        error: error ? messageForField(error) : null,
        className: 'chat-setup__field',
      }}
    >
      {(ids) => (
        <textarea
          className="input input--multiline input--grow"
          rows={1}
          value={value}
          placeholder={variable.example}
          required={variable.required}
          // The form replaces the launcher the member just left: start where they will type.
          autoFocus={isFirst}
          onChange={(event) => setValue(variable.name, event.target.value)}
          {...ids}
        />
      )}
    </FieldFrame>
  );
}

function ModelSelect({ models }: { models: string[] }) {
  const model = useAppStore((s) => s.chat.model);
  const setModel = useAppStore((s) => s.chat.setModel);
  const error = useAppStore((s) => (s.chat.startError?.field === 'model' ? s.chat.startError : null));
  return (
    <FieldFrame chrome={{ label: 'Model', error: error ? messageForField(error) : null, className: 'chat-setup__model' }}>
      {(ids) => (
        <select className="input select" value={model} onChange={(event) => setModel(event.target.value)} {...ids}>
          {models.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}
