import { EmptyState } from '../components/EmptyState';
import { Link } from '../components/Link';
import { ChatScreen } from '../screens/chat/ChatScreen';
import { EditorScreen } from '../screens/editor/EditorScreen';
import { LibraryScreen } from '../screens/library/LibraryScreen';
import { LogsScreen } from '../screens/logs/LogsScreen';
import { SettingsScreen } from '../screens/settings/SettingsScreen';
import { useAppStore } from '../state/store';

export function ScreenOutlet() {
  const route = useAppStore((s) => s.route.current);
  switch (route.name) {
    case 'library':
      return <LibraryScreen />;
    case 'editor':
      // Keyed so opening another prompt starts from a fresh editor, not the previous one's state.
      // Switching tabs keeps it mounted, so the draft and the editor's state carry across tabs.
      return (
        <EditorScreen key={route.promptName} promptName={route.promptName} tab={route.tab ?? 'editor'} version={route.version} />
      );
    case 'chat':
      return <ChatScreen />;
    case 'logs':
      return <LogsScreen />;
    case 'settings':
      return <SettingsScreen />;
    case 'not-found':
      return (
        <div className="screen">
          <EmptyState
            title="Page not found"
            action={
              <Link to={{ name: 'library' }} className="button button--secondary">
                Browse prompts
              </Link>
            }
          >
            <p>
              There is nothing at <code>{route.path}</code>.
            </p>
          </EmptyState>
        </div>
      );
  }
}
