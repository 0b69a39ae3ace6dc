import { useEffect } from 'react';
import { AppearanceSection } from './AppearanceSection';
import { ApiServerSection } from './ApiServerSection';
import { MembersSection } from './MembersSection';
import { WorkspaceSection } from './WorkspaceSection';
import { useAppStore } from '../../state/store';
import { Banner } from '../../components/Banner';

export function SettingsScreen() {
  const loadUsers = useAppStore((s) => s.session.loadUsers);
  const infoError = useAppStore((s) => s.session.infoError);
  useEffect(() => {
    void loadUsers();
  }, [loadUsers]);

  return (
    <div className="screen screen--narrow">
      <header className="screen__header">
        <div>
          <h1 className="screen__title">Settings</h1>
          <p className="screen__subtitle">How Promptdesk looks, where it keeps data, and who works in this workspace.</p>
        </div>
      </header>
      {infoError && <Banner tone="error">Could not read the app settings: {infoError}</Banner>}
      <AppearanceSection />
      <ApiServerSection />
      <WorkspaceSection />
      <MembersSection />
    </div>
  );
}
