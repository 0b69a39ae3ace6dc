import type { KeyboardEvent } from 'react';
import { Link } from '../../components/Link';
import { PROMPT_TABS, type PromptTab } from '../../state/route';
import { useAppStore } from '../../state/store';

const LABELS: Record<PromptTab, string> = { editor: 'Editor', versions: 'Versions', history: 'History', sharing: 'Sharing', api: 'API', logs: 'Logs', readiness: 'Readiness' };

export const tabId = (tab: PromptTab) => `prompt-tab-${tab}`;
export const PANEL_ID = 'prompt-tabpanel';

/**
 * The prompt page's views as an ARIA tablist. Each tab is also a link (`#/prompts/x/versions`),
 * so a view can be bookmarked or opened in a new window. Arrow keys, Home and End move between tabs.
 */
export function PromptTabs({ promptName, active }: { promptName: string; active: PromptTab }) {
  const navigate = useAppStore((s) => s.route.navigate);
  const dirty = useAppStore((s) => s.editor.dirty);

  const onKeyDown = (event: KeyboardEvent<HTMLAnchorElement>) => {
    const index = PROMPT_TABS.indexOf(active);
    const last = PROMPT_TABS.length - 1;
    const target =
      event.key === 'ArrowRight' ? (index + 1) % PROMPT_TABS.length
      : event.key === 'ArrowLeft' ? (index + last) % PROMPT_TABS.length
      : event.key === 'Home' ? 0
      : event.key === 'End' ? last
      : null;
    if (target === null) return;
    event.preventDefault();
    const tab = PROMPT_TABS[target] ?? 'editor';
    navigate({ name: 'editor', promptName, tab });
    document.getElementById(tabId(tab))?.focus();
  };

  return (
    <div role="tablist" aria-label="Prompt views" className="tabs">
      {PROMPT_TABS.map((tab) => {
        const selected = tab === active;
        return (
          <Link
            key={tab}
            id={tabId(tab)}
            role="tab"
            aria-selected={selected}
            aria-controls={selected ? PANEL_ID : undefined}
            tabIndex={selected ? 0 : -1}
            className="tab"
            to={{ name: 'editor', promptName, tab }}
            onKeyDown={onKeyDown}
          >
            {LABELS[tab]}
            {tab === 'editor' && dirty && <span className="tab__dot" aria-hidden="true" title="Unsaved changes" />}
          </Link>
        );
      })}
    </div>
  );
}
