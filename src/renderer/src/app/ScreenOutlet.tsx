import { EmptyState } from '../components/EmptyState';
import { Link } from '../components/Link';
import { LibraryScreen } from '../screens/library/LibraryScreen';
import { useAppStore } from '../state/store';
import { ChatScreen, EditorScreen, LazyPart, LogsScreen, SettingsScreen } from './lazy-screens';

/** The screen the route names; all but the Library (the first screen) load their code on demand. */
export function ScreenOutlet() {
  const route = useAppStore((s) => s.route.current.name);
  return (
    <LazyPart placeholderClass="screen" failureClass="screen" resetKey={route}>
      <RouteScreen />
    </LazyPart>
  );
}

function RouteScreen() {
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
