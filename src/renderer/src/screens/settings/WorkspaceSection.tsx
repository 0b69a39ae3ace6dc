import { useAppStore } from '../../state/store';
import { Detail, SettingsSection } from './SettingsSection';
import { Banner } from '../../components/Banner';

const MODE_LABEL = {
  desktop: 'Desktop app',
  headless: 'Headless server (promptdesk serve)',
} as const;

export function WorkspaceSection() {
  const info = useAppStore((s) => s.session.info);
  return (
    <SettingsSection title="Workspace" description={<p>Prompts, versions and logs live in one SQLite database in the data folder.</p>}>
      {!info ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          {info.storageWarnings.length > 0 && (
            <Banner tone="warning">
              <p>Other users of this computer can read your Promptdesk data:</p>
              <ul aria-label="Data folder warnings">
                {info.storageWarnings.map((warning) => (
                  <li key={warning}>{warning}</li>
                ))}
              </ul>
            </Banner>
          )}
          <dl className="details">
            <Detail label="Data folder">
              <code className="break-all">{info.dataDir}</code>
            </Detail>
            <Detail label="Mode">{MODE_LABEL[info.mode]}</Detail>
            <Detail label="Current member">
              {info.currentUser.name} <span className="muted">({info.currentUser.email})</span>
            </Detail>
            <Detail label="Version">{info.version}</Detail>
          </dl>
        </>
      )}
    </SettingsSection>
  );
}
