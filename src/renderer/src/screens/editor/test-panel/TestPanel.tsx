import { useEffect, useId } from 'react';
import { Banner } from '../../../components/Banner';
import { Button } from '../../../components/Button';
import { useAppStore } from '../../../state/store';
import { TestCases } from './TestCases';
import { TestInputs } from './TestInputs';
import { TestResults } from './TestResults';

/**
 * The Editor tab's "Test" section: run the draft (or a saved version) on several models at
 * once and compare the answers side by side; saved test cases run as a case × model grid.
 */
export function TestPanel() {
  const promptName = useAppStore((s) => s.editor.promptName);
  const expanded = useAppStore((s) => s.testPanel.expanded);
  const setExpanded = useAppStore((s) => s.testPanel.setExpanded);
  const reset = useAppStore((s) => s.testPanel.reset);
  const load = useAppStore((s) => s.testPanel.load);
  const attach = useAppStore((s) => s.testPanel.attach);
  const detach = useAppStore((s) => s.testPanel.detach);
  const memberId = useAppStore((s) => s.session.info?.currentUser.id ?? null);
  const bodyId = useId();

  // Models, versions and cases may have changed while the tab was away: read them again.
  useEffect(() => {
    if (!promptName) return;
    reset(promptName, memberId);
    void load();
  }, [promptName, memberId, reset, load]);

  // Results stream while the Editor tab shows; coming back picks them up where they were.
  useEffect(() => {
    attach();
    return detach;
  }, [attach, detach]);

  return (
    <section className="panel test-panel" aria-labelledby={`${bodyId}-title`}>
      <div className="test-panel__bar">
        <h2 className="panel__title" id={`${bodyId}-title`}>
          <button
            type="button"
            className="test-panel__toggle"
            aria-expanded={expanded}
            aria-controls={bodyId}
            onClick={() => setExpanded(!expanded)}
          >
            <span className="test-panel__chevron" aria-hidden="true" />
            Test
          </button>
        </h2>
        <p className="test-panel__hint">Run the draft or a saved version on one or more models and compare the answers.</p>
      </div>
      <div id={bodyId} hidden={!expanded} className="test-panel__body">
        <TestPanelBody />
      </div>
    </section>
  );
}

function TestPanelBody() {
  // Until the panel is reset for the page's prompt (an effect, after the first render), it still
  // holds the previous prompt's state: showing it would flash that prompt's results and make its
  // inputs and test cases ask the server about it again (issue 13 attack N4).
  const status = useAppStore((s) => (s.testPanel.promptName === s.editor.promptName ? s.testPanel.status : 'loading'));
  const loadError = useAppStore((s) => s.testPanel.loadError);
  const load = useAppStore((s) => s.testPanel.load);
  if (status === 'error') {
    return (
      <Banner tone="error" action={<Button size="sm" onClick={() => void load()}>Try again</Button>}>
        Could not get this prompt ready to run: {loadError}
      </Banner>
    );
  }
  if (status !== 'ready') return <div className="skeleton-list test-panel__loading" aria-busy="true" aria-label="Loading the test panel" />;
  return (
    <div className="test-panel__layout">
      <div className="test-panel__controls">
        <TestInputs />
        <TestCases />
      </div>
      <TestResults />
    </div>
  );
}
