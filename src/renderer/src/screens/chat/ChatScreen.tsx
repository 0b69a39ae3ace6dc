import { EmptyState } from '../../components/EmptyState';
import { Link } from '../../components/Link';
import { ChatIcon } from '../../app/nav-icons';

export function ChatScreen() {
  return (
    <div className="screen">
      <header className="screen__header">
        <div>
          <h1 className="screen__title">Chat</h1>
          <p className="screen__subtitle">Run a prompt against a model and continue the conversation.</p>
        </div>
      </header>
      <EmptyState
        icon={<ChatIcon />}
        title="No model integration configured"
        action={
          <Link to={{ name: 'library' }} className="button button--secondary">
            Browse prompts
          </Link>
        }
      >
        <p>Running prompts with a model needs a model integration — none is configured yet.</p>
        <p>Until then, write and version prompts in the library and check their output in each prompt's preview.</p>
      </EmptyState>
    </div>
  );
}
