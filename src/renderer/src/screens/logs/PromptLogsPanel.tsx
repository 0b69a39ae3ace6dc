import { DataLoggingSetting } from './DataLoggingSetting';
import { LogsView } from './LogsView';

/** The prompt page's Logs tab: this prompt's runs, and how much of them is logged. */
export function PromptLogsPanel({ promptName }: { promptName: string }) {
  return (
    <div className="tab-stack prompt-logs">
      <LogsView promptName={promptName} />
      <DataLoggingSetting />
    </div>
  );
}
