import { useState, type ReactNode } from 'react';
import { clearPendingAuthorize, pendingAuthorize, pendingInvite } from '../../lib/team-hash';
import { useAppStore } from '../../state/store';
import { AcceptInviteScreen } from './AcceptInviteScreen';
import { AuthorizeDeviceScreen } from './AuthorizeDeviceScreen';
import { TeamSignInScreen } from './TeamSignInScreen';
import { refreshTeamStatus, useTeamState } from './team-status';

/**
 * On a team server, what stands before the app: the accept-invite screen for an invite link, the
 * email + password sign-in without a session (or once it ended), and "Allow <device>?" for a
 * desktop's join request. Anywhere else (Electron, a headless host that is no team server) it
 * shows `children` as they are.
 */
export function TeamGate({ children }: { children: ReactNode }) {
  const state = useTeamState();
  const needsSignIn = useAppStore((s) => s.session.needsSignIn);
  const [invite, setInvite] = useState(pendingInvite);
  const [authorize, setAuthorize] = useState(pendingAuthorize);
  if (state.kind === 'loading') return <div className="shell" aria-busy="true" />;
  if (state.kind === 'none') return <>{children}</>;
  const { team, member } = state.status;
  const signedIn = async () => {
    setInvite(null);
    await refreshTeamStatus();
    // The app asked app:info before anyone was signed in; ask again as the member now.
    await useAppStore.getState().session.loadInfo();
  };
  if (invite) return <AcceptInviteScreen code={invite} onAccepted={signedIn} />;
  if (!member || needsSignIn) {
    const device = authorize?.get('device_name');
    const notice = device ? `Sign in to allow ${device} to sync as you.` : member ? 'Your session has ended: sign in again.' : undefined;
    return <TeamSignInScreen teamName={team?.name ?? 'the team'} onSignedIn={signedIn} notice={notice} />;
  }
  if (authorize) {
    const done = () => {
      clearPendingAuthorize();
      setAuthorize(null);
    };
    return <AuthorizeDeviceScreen request={authorize} memberName={member.name} onDone={done} />;
  }
  return <>{children}</>;
}
