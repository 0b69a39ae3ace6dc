import { Banner } from './Banner';

/**
 * The outcome of the last action in a section: a success line in a live region that is always in
 * the page (so screen readers announce each new message) and an error banner when it failed.
 */
export function ActionNotice({ notice, error }: { notice: string | null; error?: string | null }) {
  return (
    <>
      <p role="status" className="members__notice">
        {notice && (
          <span>
            <span aria-hidden="true">✓ </span>
            {notice}
          </span>
        )}
      </p>
      {error && <Banner tone="error">{error}</Banner>}
    </>
  );
}
