import { isAdmin } from '../../state/logs-slice';
import { useAppStore } from '../../state/store';
import { LogsView } from './LogsView';
import { RetentionSettings } from './RetentionSettings';

/** Every run of every prompt the member can see; admins also set how long logs are kept. */
export function LogsScreen() {
  const admin = useAppStore(isAdmin);
  return (
    <div className="screen screen--logs">
      <header className="screen__header">
        <div>
          <h1 className="screen__title">Logs</h1>
          <p className="screen__subtitle">Every execution of a prompt: inputs, output, model, timing and tokens.</p>
        </div>
      </header>
      <LogsView />
      {admin && <RetentionSettings />}
    </div>
  );
}
