import { useState, type FormEvent } from 'react';
import type { ReadinessItem, ReadinessStatus, ReadinessTickItem } from '../../../../shared/schemas/readiness';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { Link } from '../../components/Link';
import { LockIcon } from '../../components/LockIcon';
import { TextAreaField } from '../../components/TextAreaField';
import { TextField } from '../../components/TextField';
import { messageForField } from '../../lib/field-errors';
import { goToFixTarget } from '../../lib/fix-target';
import type { Route } from '../../state/route';
import { mayEditPrompt } from '../../state/editor-slice';
import { useReadiness } from '../../state/readiness-slice';
import { useAppStore } from '../../state/store';

const STATUS_LABELS: Record<ReadinessStatus, string> = { pass: 'Passed', open: 'Open', not_applicable: 'Not applicable' };
const STATUS_MARKS: Record<ReadinessStatus, string> = { pass: '✓', open: '○', not_applicable: '–' };

/** What the tick confirms, as the button says it. */
const TICK_LABELS: Record<ReadinessTickItem, string> = {
  edge_cases: 'Confirm edge cases are handled',
  clear_naming: 'Confirm name and description are clear',
  access_levels: 'Confirm access levels are as intended',
};

// The day as the core's item summaries write it (YYYY-MM-DD, UTC), so one item never shows two formats.
const day = (iso: string) => iso.slice(0, 10);

/**
 * The prompt's **Readiness** tab (seed 000 "Checklist before org-wide deployment"): the seven
 * items the core computes for the version chat serves, each with its status, evidence, where to
 * fix it and, for the manual ones, a tick that records who and when. Read-only for members who
 * may not tick (the core says per item: `canTick`).
 */
export function ReadinessPanel({ promptName }: { promptName: string }) {
  const { data, error, retry } = useReadiness(promptName);
  const actionError = useAppStore((s) => s.readiness.actionError);

  if (!data) {
    if (error) {
      return (
        <Banner tone="error" action={<Button size="sm" onClick={retry}>Try again</Button>}>
          Could not load the readiness checklist: {error}
        </Banner>
      );
    }
    return <div className="skeleton-list" aria-busy="true" aria-label="Loading readiness" />;
  }

  const counts = { pass: 0, open: 0, not_applicable: 0 };
  for (const item of data.items) counts[item.status] += 1;
  const readOnly = data.items.every((i) => !i.canTick);

  return (
    <div className="tab-stack readiness">
      <section className="panel readiness__summary" aria-labelledby="readiness-title">
        <h2 id="readiness-title" className="panel__title">
          Checklist before org-wide deployment{data.version !== null ? ` · v${data.version}` : ''}
        </h2>
        <p className="readiness__counts" data-testid="readiness-counts">
          {data.ready ? 'Ready: every item passed or does not apply.' : `${counts.open} open`}
          {' · '}
          {counts.pass} passed{counts.not_applicable > 0 ? ` · ${counts.not_applicable} not applicable` : ''}
        </p>
        <p className="panel__hint readiness__hint">
          Checked for the version chat and the library serve (the published one, else the newest). Ticks are cleared when a new
          version is promoted.
          {data.requiredForWidening && ' An admin requires every item to pass before access is widened to everyone.'}
        </p>
        {readOnly && (
          <p className="sharing__readonly">
            <LockIcon />
            You can read this checklist but not tick its items: each item says who can
          </p>
        )}
      </section>
      {actionError && <Banner tone="error">{actionError}</Banner>}
      <ol className="readiness__list" aria-label="Readiness checklist">
        {data.items.map((item) => (
          <ReadinessRow key={item.id} item={item} promptName={data.prompt} />
        ))}
      </ol>
    </div>
  );
}

/** Who may tick each manual item (core/readiness `mayTick`): editing for the first two, sharing for access. */
const WHO_TICKS: Record<ReadinessTickItem, string> = {
  edge_cases: 'Only people who can edit this prompt can tick this item.',
  clear_naming: 'Only people who can edit this prompt can tick this item.',
  access_levels: 'Only the owner or an admin (who can change sharing) can tick this item.',
};

function fixRoute(item: ReadinessItem, promptName: string): Route {
  if (item.fix.screen === 'chat') return { name: 'chat' };
  return { name: 'editor', promptName, tab: item.fix.tab ?? 'editor' };
}

/**
 * What a fix link does besides opening its screen: Chat opens with this prompt chosen, and a
 * prompt tab lands on the item's control (`fix.field`), the Test panel opened first if collapsed.
 */
function useFollowFix(item: ReadinessItem, promptName: string): () => void {
  const openChat = useAppStore((s) => s.chat.open);
  const expandTests = useAppStore((s) => s.testPanel.setExpanded);
  return () => {
    if (item.fix.screen === 'chat') {
      // A conversation already running this prompt stays.
      if (useAppStore.getState().chat.promptName !== promptName) void openChat(promptName);
      return;
    }
    if (item.fix.field === 'testCases') expandTests(true);
    if (item.fix.field) goToFixTarget(item.fix.field);
  };
}

function ReadinessRow({ item, promptName }: { item: ReadinessItem; promptName: string }) {
  const tick = useAppStore((s) => s.readiness.tick);
  const chooseLogging = useAppStore((s) => s.readiness.chooseLogging);
  const busy = useAppStore((s) => s.readiness.busy);
  const mayEdit = useAppStore(mayEditPrompt);
  const [editing, setEditing] = useState(false);
  const followFix = useFollowFix(item, promptName);
  const titleId = `readiness-${item.id}`;
  // Fixed on this tab (the title and description): a form here instead of a link elsewhere.
  const fixedHere = item.fix.tab === 'readiness';
  const tickItem = item.tickable ? (item.id as ReadinessTickItem) : null;
  return (
    <li className={`readiness-item readiness-item--${item.status}`} aria-labelledby={titleId} data-item={item.id} data-status={item.status}>
      <span className="readiness-item__mark" aria-hidden="true">
        {STATUS_MARKS[item.status]}
      </span>
      <div className="readiness-item__body">
        <div className="readiness-item__head">
          <h3 id={titleId} className="readiness-item__title">
            {item.title}
          </h3>
          <span className={`readiness-badge readiness-badge--${item.status}`}>{STATUS_LABELS[item.status]}</span>
        </div>
        <p className="readiness-item__summary">{item.summary}</p>
        {item.tick && (
          <p className="readiness-item__tick">
            Ticked by {item.tick.name} on {day(item.tick.at)}
            {item.tick.version !== null ? ` (v${item.tick.version})` : ''}
          </p>
        )}
        <div className="readiness-item__actions">
          {fixedHere && mayEdit === true && !editing && (
            <Button size="sm" onClick={() => setEditing(true)}>
              {item.fix.label}
            </Button>
          )}
          {item.status !== 'pass' && !fixedHere && (
            <Link className="button button--secondary button--sm" to={fixRoute(item, promptName)} onClick={followFix}>
              {item.fix.label}
            </Link>
          )}
          {item.id === 'data_logging' && item.status === 'open' && mayEdit === true && (
            // Open only at Full nobody chose: keeping it is a choice too, recorded with who and when.
            <Button size="sm" disabled={busy} onClick={() => void chooseLogging('full')}>
              Keep Full logging
            </Button>
          )}
          {/* A tick is offered while the item is open (an item passed by its numbers needs none), and can always be removed. */}
          {tickItem && item.canTick && (item.tick || item.status === 'open') && (
            item.tick ? (
              <Button size="sm" variant="ghost" disabled={busy} onClick={() => void tick(tickItem, false)}>
                Remove tick: {TICK_LABELS[tickItem].replace(/^Confirm /, '')}
              </Button>
            ) : (
              <Button size="sm" variant="primary" disabled={busy} onClick={() => void tick(tickItem, true)}>
                {TICK_LABELS[tickItem]}
              </Button>
            )
          )}
        </div>
        {tickItem && !item.canTick && <p className="readiness-item__who">{WHO_TICKS[tickItem]}</p>}
        {editing && <DetailsForm onDone={() => setEditing(false)} />}
      </div>
    </li>
  );
}

/** Title and description, edited in place (item 3: clear to someone who did not build it). */
function DetailsForm({ onDone }: { onDone(): void }) {
  const prompt = useAppStore((s) => s.editor.prompt);
  const save = useAppStore((s) => s.readiness.saveDetails);
  const busy = useAppStore((s) => s.readiness.busy);
  const error = useAppStore((s) => s.readiness.detailsError);
  const [title, setTitle] = useState(prompt?.title ?? '');
  const [description, setDescription] = useState(prompt?.description ?? '');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await save(title, description)) onDone();
  };
  const errorFor = (field: string) => (error && (error.field === field || (!error.field && field === 'title')) ? messageForField(error) : undefined);
  return (
    <form className="readiness-details" onSubmit={(event) => void submit(event)} noValidate>
      <TextField label="Title" value={title} error={errorFor('title')} onChange={(event) => setTitle(event.target.value)} />
      <TextAreaField label="Description" rows={3} value={description} error={errorFor('description')} onChange={(event) => setDescription(event.target.value)} />
      <div className="readiness-item__actions">
        <Button type="submit" size="sm" variant="primary" disabled={busy}>
          Save title and description
        </Button>
        <Button size="sm" variant="ghost" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
