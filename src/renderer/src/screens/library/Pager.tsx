import { Button } from '../../components/Button';
import { PAGE_SIZE } from '../../state/library-slice';
import { useLibraryPage } from '../../state/prompt-queries';
import { useAppStore } from '../../state/store';

export function Pager() {
  const offset = useAppStore((s) => s.library.offset);
  const { total, items } = useLibraryPage();
  const shown = items.length;
  const setOffset = useAppStore((s) => s.library.setOffset);
  if (total <= PAGE_SIZE) return null;
  return (
    <nav className="pager" aria-label="Pages">
      <span className="pager__range">
        {offset + 1}–{offset + shown} of {total}
      </span>
      <Button size="sm" disabled={offset === 0} onClick={() => setOffset(offset - PAGE_SIZE)}>
        Previous
      </Button>
      <Button size="sm" disabled={offset + PAGE_SIZE >= total} onClick={() => setOffset(offset + PAGE_SIZE)}>
        Next
      </Button>
    </nav>
  );
}
