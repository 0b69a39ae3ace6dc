import { useEffect, useId } from 'react';
import type { PromptSummary } from '../../../../shared/schemas/prompts';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { Link } from '../../components/Link';
import { SharingBadge } from '../../components/SharingBadge';
import { SearchField } from '../../components/SearchField';
import { PromptCount } from '../../components/PromptCount';
import { ChatIcon } from '../../app/nav-icons';
import { useLauncherList, useModelsAvailable } from '../../state/prompt-queries';
import { useAppStore } from '../../state/store';
import { RunView } from './RunView';

export function ChatScreen() {
  const attach = useAppStore((s) => s.chat.attach);
  const detach = useAppStore((s) => s.chat.detach);
  const running = useAppStore((s) => s.chat.promptName !== null);
  // Answers stream only while the chat is on screen; coming back picks them up where they were.
  useEffect(() => {
    attach();
    return detach;
  }, [attach, detach]);
  return running ? <RunView /> : <LauncherView />;
}

function LauncherView() {
  return (
    <div className="screen">
      <header className="screen__header">
        <div>
          <h1 className="screen__title">Chat</h1>
          <p className="screen__subtitle">Run a prompt against a model and continue the conversation.</p>
        </div>
      </header>
      <NoModelNote />
      <Launcher />
    </div>
  );
}

function NoModelNote() {
  const models = useModelsAvailable();
  if (models !== 'none') return null;
  return (
    <section className="chat-note" aria-labelledby="chat-note-title">
      <div className="chat-note__icon" aria-hidden="true">
        <ChatIcon />
      </div>
      <div className="chat-note__text">
        <h2 id="chat-note-title" className="chat-note__title">
          No model available
        </h2>
        <p>Running prompts needs a model integration you may use: an admin adds one in Settings.</p>
        <p>Until then, write and version prompts in the library and check their output in each prompt's preview.</p>
      </div>
      <Link to={{ name: 'settings' }} className="button button--secondary chat-note__action">
        Open Settings
      </Link>
    </section>
  );
}

function Launcher() {
  const headingId = useId();
  return (
    <section className="launcher">
      <div className="launcher__bar">
        <div>
          <h2 id={headingId} className="launcher__title">
            Prompts you can run
          </h2>
          <LauncherCount />
        </div>
        <LauncherSearch />
      </div>
      <LauncherBody labelledBy={headingId} />
    </section>
  );
}

function LauncherCount() {
  const { total, loaded } = useLauncherList();
  return <PromptCount className="launcher__count" total={total} loaded={loaded} />;
}

function LauncherSearch() {
  const query = useAppStore((s) => s.launcher.query);
  const setQuery = useAppStore((s) => s.launcher.setQuery);
  return (
    <SearchField className="launcher__search" label="Search runnable prompts" placeholder="Search runnable prompts…" query={query} onSearch={setQuery} />
  );
}

function LauncherBody({ labelledBy }: { labelledBy: string }) {
  const { items, loaded, loading, error, retry } = useLauncherList();
  const filtered = useAppStore((s) => s.launcher.query.trim() !== '');

  if (error) {
    return (
      <Banner tone="error" action={<Button size="sm" onClick={retry}>Try again</Button>}>
        Could not load the prompts you can run: {error}
      </Banner>
    );
  }
  if (!loaded) return <div className="skeleton-list" aria-hidden="true" />;
  if (items.length === 0) {
    return <p className="launcher__empty">{filtered ? 'No prompts you can run match this search.' : 'No prompts you can run yet.'}</p>;
  }
  return (
    <ul role="list" aria-labelledby={labelledBy} aria-busy={loading} className="launcher__list">
      {items.map((prompt) => (
        <LauncherRow key={prompt.id} prompt={prompt} />
      ))}
    </ul>
  );
}

function LauncherRow({ prompt }: { prompt: PromptSummary }) {
  const open = useAppStore((s) => s.chat.open);
  return (
    <li className="launcher__item">
      <div className="launcher__text">
        <span className="launcher__name">{prompt.title}</span>
        <span className="launcher__meta">
          <code>{prompt.name}</code>
          {prompt.slashCommand && <span className="muted">/{prompt.slashCommand}</span>}
          <SharingBadge level={prompt.sharingLevel} />
        </span>
        {prompt.description && <span className="launcher__description">{prompt.description}</span>}
      </div>
      {/* Labelled, not hidden text, so the title is not found twice in the row. */}
      <Button size="sm" aria-label={`Run ${prompt.title}`} onClick={() => void open(prompt.name)}>
        Run
      </Button>
    </li>
  );
}
