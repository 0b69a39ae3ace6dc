import { ActingAsSection } from './ActingAsSection';
import { AppearanceSection } from './AppearanceSection';
import { ApiServerSection } from './ApiServerSection';
import { RateLimitSection } from './RateLimitSection';
import { IntegrationsSection } from './IntegrationsSection';
import { KeysSection } from './KeysSection';
import { MembersSection } from './MembersSection';
import { WorkspaceSection } from './WorkspaceSection';
import { ReadinessSection } from './ReadinessSection';
import { TelemetrySection } from './TelemetrySection';
import { DataCheckSection } from './DataCheckSection';
import { useAppStore } from '../../state/store';
import { Banner } from '../../components/Banner';
import { TeamAccountSection } from '../team/TeamAccountSection';
import { TeamInvitesSection } from '../team/TeamInvitesSection';
import { useIsTeamServer } from '../team/team-status';
import { TeamJoinSection } from '../team/TeamJoinSection';

export function SettingsScreen() {
  const infoError = useAppStore((s) => s.session.infoError);
  const isTeam = useIsTeamServer();

  return (
    <div className="screen screen--narrow">
      <header className="screen__header">
        <div>
          <h1 className="screen__title">Settings</h1>
          <p className="screen__subtitle">How Promptdesk looks, how other programs reach it, where it keeps data, and who works in this workspace.</p>
        </div>
      </header>
      {infoError && <Banner tone="error">Could not read the app settings: {infoError}</Banner>}
      <AppearanceSection />
      <ApiServerSection />
      <RateLimitSection />
      <IntegrationsSection />
      <KeysSection />
      <WorkspaceSection />
      <DataCheckSection />
      <ReadinessSection />
      <TelemetrySection />
      {/* No "Acting as" on a team server: each member signs in as themselves. */}
      {isTeam ? <TeamAccountSection /> : <ActingAsSection />}
      {isTeam && <TeamInvitesSection />}
      {/* A desktop or headless host joins a team; a team server joins none. */}
      {!isTeam && <TeamJoinSection />}
      <MembersSection />
    </div>
  );
}
