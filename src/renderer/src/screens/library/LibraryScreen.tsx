import { useState } from 'react';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { useLibraryPage } from '../../state/prompt-queries';
import { useAppStore } from '../../state/store';
import { LibraryToolbar } from './LibraryToolbar';
import { NewPromptDialog } from './NewPromptDialog';
import { Pager } from './Pager';
import { PromptTable } from './PromptTable';
import { PromptCount } from '../../components/PromptCount';

export function LibraryScreen() {
  const [creating, setCreating] = useState(false);

  return (
    <div className="screen">
      <header className="screen__header">
        <div>
          <h1 className="screen__title">Library</h1>
          <LibraryCount />
        </div>
        <Button variant="primary" onClick={() => setCreating(true)}>
          New prompt
        </Button>
      </header>
      <LibraryToolbar />
      <LibraryBody onCreate={() => setCreating(true)} />
      {creating && <NewPromptDialog onClose={() => setCreating(false)} />}
    </div>
  );
}

function LibraryCount() {
  const { total, loaded } = useLibraryPage();
  return <PromptCount className="screen__subtitle" total={total} loaded={loaded} />;
}

function LibraryBody({ onCreate }: { onCreate(): void }) {
  const { loaded, error, items, total, retry } = useLibraryPage();
  const count = items.length;
  const filtered = useAppStore((s) => s.library.query.trim() !== '' || s.library.tag !== '' || s.library.ownerId !== '');
  const clearFilters = useAppStore((s) => s.library.clearFilters);

  if (error) {
    return (
      <Banner tone="error" action={<Button size="sm" onClick={retry}>Try again</Button>}>
        Could not load prompts: {error}
      </Banner>
    );
  }
  if (!loaded) return <div className="skeleton-list" aria-hidden="true" />;
  if (count === 0 && total === 0 && !filtered) {
    return (
      <EmptyState
        title="No prompts yet — create your first"
        action={
          <Button variant="primary" onClick={onCreate}>
            Create your first prompt
          </Button>
        }
      >
        <p>A prompt is a named, versioned template with {'{{variables}}'}. Every save keeps a new version you can go back to.</p>
      </EmptyState>
    );
  }
  if (count === 0) {
    return (
      <EmptyState title="No prompts match" action={<Button onClick={clearFilters}>Clear filters</Button>}>
        <p>Nothing in the library matches this search and these filters.</p>
      </EmptyState>
    );
  }
  return (
    <>
      <PromptTable />
      <Pager />
    </>
  );
}
