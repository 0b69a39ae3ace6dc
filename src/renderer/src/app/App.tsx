// First: takes #invite= / #authorize= out of the address before the router reads it.
import '../lib/team-hash';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { useAppStore } from '../state/store';
import { Nav } from './Nav';
import { SignInScreen } from './SignInScreen';
import { ScreenOutlet } from './ScreenOutlet';
import { useAppLifecycle, useAppReadyFlag } from './use-app-lifecycle';
import { TeamGate } from '../screens/team/TeamGate';

export function App() {
  useAppLifecycle();
  useAppReadyFlag();
  const needsSignIn = useAppStore((s) => s.session.needsSignIn);
  // Screens load their data as they mount: none mounts before the first app:info has answered
  // (a sign-in link's exchange included), so nothing is asked as nobody and refused with a 401.
  const started = useAppStore((s) => s.session.info !== null || s.session.infoStatus === 'error');
  // A team server signs members in with their password instead (screens/team/TeamGate.tsx).
  return <TeamGate>{needsSignIn ? <SignInScreen /> : !started ? <div className="shell" aria-busy="true" /> : <Shell />}</TeamGate>;
}

function Shell() {
  return (
    <div className="shell">
      <Nav />
      <main className="shell__main" id="main">
        <ScreenOutlet />
      </main>
      <LeaveGuard />
    </div>
  );
}

function LeaveGuard() {
  const pending = useAppStore((s) => s.route.pending);
  const confirmLeave = useAppStore((s) => s.route.confirmLeave);
  const cancelLeave = useAppStore((s) => s.route.cancelLeave);
  if (!pending) return null;
  return (
    <ConfirmDialog
      title="Discard unsaved changes?"
      description="This prompt has edits that are not saved as a version yet. Leaving now throws them away."
      confirmLabel="Discard"
      cancelLabel="Keep editing"
      destructive
      onConfirm={confirmLeave}
      onCancel={cancelLeave}
    />
  );
}
