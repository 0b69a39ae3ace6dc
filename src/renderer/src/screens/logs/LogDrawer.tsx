import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import type { LogDetail } from '../../../../shared/schemas/logs';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { Link } from '../../components/Link';
import { useCopy } from '../../lib/clipboard';
import { toFormError } from '../../lib/field-errors';
import { absoluteTime, relativeTime } from '../../lib/relative-time';
import { DATA_LOGGING_LABELS, NOT_LOADED, SOURCE_LABELS } from '../../state/logs-slice';
import { logRunQuery, useLogRuns } from '../../state/logs-queries';
import { useAppStore } from '../../state/store';
import { formatCount, formatMs } from './log-format';
import { RunStatusBadge, ratingLabel } from './RunBadges';

/**
 * One run in full, in a modal side drawer over the table: the browser keeps focus inside and
 * Esc closes it; focus then returns to the row that opened it.
 */
export function LogDrawer() {
  const detailId = useAppStore((s) => s.logs.detailId);
  if (detailId === null) return null;
  return <Drawer key={detailId} detailId={detailId} />;
}

function Drawer({ detailId }: { detailId: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const close = useAppStore((s) => s.logs.closeDetail);
  // Until the run answers, its row's own fields show.
  const row = useLogRuns().items.find((item) => item.id === detailId);
  const partial = row ? { ...row, ...NOT_LOADED } : undefined;
  const q = useQuery(logRunQuery(detailId, partial));
  const detail = q.data ?? partial ?? null;
  const status = q.isError ? 'error' : q.isPlaceholderData || q.isPending ? 'loading' : 'ready';
  const error = q.isError ? toFormError(q.error).message : null;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const previouslyFocused = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    return () => {
      dialog.close();
      if (previouslyFocused?.isConnected) previouslyFocused.focus();
    };
  }, []);

  return createPortal(
    <dialog
      ref={ref}
      className="log-drawer"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        close();
      }}
      onMouseDown={(event) => {
        // A press on the backdrop (the dialog element itself, outside its panel) closes it.
        if (event.target === ref.current) close();
      }}
    >
      <div className="log-drawer__panel" aria-busy={status === 'loading'}>
        <header className="log-drawer__header">
          <div className="log-drawer__heading">
            <h2 id={titleId} className="log-drawer__title">
              Run details
            </h2>
            {detail && (
              <p className="log-drawer__subtitle">
                <span className="log-drawer__prompt">{detail.prompt}</span>
                {detail.version !== null && <span className="badge">v{detail.version}</span>}
                <RunStatusBadge status={detail.status} />
              </p>
            )}
          </div>
          <Button variant="ghost" size="sm" onClick={close} autoFocus>
            Close
          </Button>
        </header>
        <div className="log-drawer__body">
          {status === 'error' && (
            <Banner tone="error" action={<Button size="sm" onClick={() => void q.refetch()}>Try again</Button>}>
              Could not load this run: {error}
            </Banner>
          )}
          {detail && <DetailBody detail={detail} loaded={status === 'ready'} />}
        </div>
      </div>
    </dialog>,
    document.body,
  );
}

function DetailBody({ detail, loaded }: { detail: LogDetail; loaded: boolean }) {
  // What the run produced comes first; the facts about it follow.
  return (
    <>
      {detail.error && (
        <Section title="Error">
          <pre className="log-drawer__error">{detail.error}</pre>
        </Section>
      )}
      {loaded ? (
        <>
          <OutputSection detail={detail} />
          <Section title="Variables">
            <Variables detail={detail} />
          </Section>
          <Section title="Messages">
            <Messages detail={detail} />
          </Section>
        </>
      ) : (
        <p className="muted" role="status">
          Loading inputs and output…
        </p>
      )}
      <Section title="Run">
        <dl className="log-facts">
          <Fact label="Time">
            <time dateTime={detail.startedAt}>{absoluteTime(detail.startedAt)}</time>
            <span className="muted"> ({relativeTime(detail.startedAt)})</span>
          </Fact>
          <Fact label="Prompt">
            {/* A run-only member cannot open the prompt: a link to it would end at "no permission". */}
            {detail.messagesWithheld ? detail.prompt : <Link to={{ name: 'editor', promptName: detail.prompt }}>{detail.prompt}</Link>}
            {detail.version === null ? <span className="muted"> (unsaved draft)</span> : <span> v{detail.version}</span>}
            {detail.messagesWithheld && (
              <>
                {' · '}
                <Link to={{ name: 'chat' }}>Run it in Chat</Link>
              </>
            )}
          </Fact>
          <Fact label="Source">{SOURCE_LABELS[detail.source]}</Fact>
          <Fact label="Member">{detail.user ? detail.user.name : '—'}</Fact>
          <Fact label="API key">{detail.keyLabel ?? '—'}</Fact>
          <Fact label="Model">
            <code>{detail.model}</code>
          </Fact>
          <Fact label="Latency">{formatMs(detail.latencyMs)}</Fact>
          <Fact label="Time to first token">{formatMs(detail.ttftMs)}</Fact>
          <Fact label="Tokens">
            {formatCount(detail.inputTokens)} in · {formatCount(detail.outputTokens)} out
          </Fact>
          <Fact label="Data logging">{DATA_LOGGING_LABELS[detail.dataLogging]}</Fact>
          <Fact label="Conversation" wide>
            {loaded ? detail.conversationId ? <code>{detail.conversationId}</code> : '—' : '…'}
          </Fact>
          <Fact label="Run ID" wide>
            <code>{detail.id}</code>
          </Fact>
        </dl>
      </Section>
      <Section title="Rating">
        <p className="log-drawer__rating">
          <span className={detail.rating ? `rating-mark rating-mark--${detail.rating}` : 'muted'}>{ratingLabel(detail.rating)}</span>
          {detail.ratingComment && <span className="log-drawer__comment">“{detail.ratingComment}”</span>}
        </p>
      </Section>
    </>
  );
}

function Section({ title, action, children }: { title: string; action?: ReactNode; children: ReactNode }) {
  const id = useId();
  return (
    <section className="log-drawer__section" aria-labelledby={id}>
      <div className="log-drawer__section-head">
        <h3 id={id} className="log-drawer__section-title">
          {title}
        </h3>
        {action}
      </div>
      {children}
    </section>
  );
}

function Fact({ label, wide, children }: { label: string; wide?: boolean; children: ReactNode }) {
  return (
    <div className={`log-fact${wide ? ' log-fact--wide' : ''}`}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** Why a value is missing: the prompt's data logging level when it ran. */
function notLogged(detail: LogDetail): string | null {
  if (detail.dataLogging === 'metadata') return 'Not logged: this prompt logs metadata only';
  if (detail.dataLogging === 'none') return 'Not logged: data logging was off (None) for this prompt';
  return null;
}

function Variables({ detail }: { detail: LogDetail }) {
  const reason = notLogged(detail);
  if (detail.variables === null) {
    return (
      <>
        <p className="log-drawer__missing">{reason ?? 'Not logged'}</p>
        {detail.variableNames && detail.variableNames.length > 0 && (
          <p className="log-drawer__names">
            Names: {detail.variableNames.map((name) => <code key={name}>{name}</code>)}
          </p>
        )}
      </>
    );
  }
  const entries = Object.entries(detail.variables);
  if (entries.length === 0) return <p className="log-drawer__missing">none</p>;
  return (
    <dl className="details log-drawer__variables">
      {entries.map(([name, value]) => (
        <div key={name} className="detail">
          <dt>{name}</dt>
          <dd className="log-drawer__value">{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function Messages({ detail }: { detail: LogDetail }) {
  if (detail.messagesWithheld) {
    return <p className="log-drawer__missing">Not shown: you may run this prompt but not read its text</p>;
  }
  if (detail.messages === null) return <p className="log-drawer__missing">{notLogged(detail) ?? 'Not logged'}</p>;
  if (detail.messages.length === 0) return <p className="log-drawer__missing">none</p>;
  return (
    <ol className="log-drawer__messages">
      {detail.messages.map((message, index) => (
        <li key={index} className="log-drawer__message">
          <span className="log-drawer__role">{message.role}</span>
          <pre className="log-drawer__text">{message.content}</pre>
        </li>
      ))}
    </ol>
  );
}

function OutputSection({ detail }: { detail: LogDetail }) {
  const [copyState, copy] = useCopy();
  const output = detail.output;
  const action =
    output !== null && output !== '' ? (
      <span className="log-drawer__copy">
        <span role="status" className={`snippet__status snippet__status--${copyState}`}>
          {copyState === 'copied' ? 'Copied' : copyState === 'failed' ? 'Could not copy: select the text instead' : ''}
        </span>
        <Button size="sm" onClick={() => void copy(output)}>
          Copy output
        </Button>
      </span>
    ) : null;
  return (
    <Section title="Output" action={action}>
      {output === null ? (
        <p className="log-drawer__missing">{notLogged(detail) ?? (detail.status === 'error' ? 'No output: the run failed' : 'Not logged')}</p>
      ) : output === '' ? (
        <p className="log-drawer__missing">none</p>
      ) : (
        <>
          <pre className="log-drawer__output" tabIndex={0}>
            {output}
          </pre>
          {detail.outputChars !== null && detail.outputChars > output.length && (
            <p className="field__hint">
              Showing {output.length.toLocaleString()} of {detail.outputChars.toLocaleString()} characters.
            </p>
          )}
        </>
      )}
    </Section>
  );
}
