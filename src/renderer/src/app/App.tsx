import { ConfirmDialog } from '../components/ConfirmDialog';
import { useAppStore } from '../state/store';
import { Nav } from './Nav';
import { SignInScreen } from './SignInScreen';
import { ScreenOutlet } from './ScreenOutlet';
import { useAppLifecycle, useAppReadyFlag } from './use-app-lifecycle';

export function App() {
  useAppLifecycle();
  useAppReadyFlag();
  const needsSignIn = useAppStore((s) => s.session.needsSignIn);
  if (needsSignIn) return <SignInScreen />;
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
