import { EmptyState } from '../../components/EmptyState';
import { LogsIcon } from '../../app/nav-icons';

export function LogsScreen() {
  return (
    <div className="screen">
      <header className="screen__header">
        <div>
          <h1 className="screen__title">Logs</h1>
          <p className="screen__subtitle">Every execution of a prompt: inputs, output, model, timing and cost.</p>
        </div>
      </header>
      <EmptyState icon={<LogsIcon />}>
        <p className="empty-state__lead">No executions logged yet. Every run from chat or the API will appear here.</p>
      </EmptyState>
    </div>
  );
}
