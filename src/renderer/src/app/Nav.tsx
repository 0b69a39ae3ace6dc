import type { ReactNode } from 'react';
import { Link } from '../components/Link';
import type { Route } from '../state/route';
import { useAppStore } from '../state/store';
import { ChatIcon, LibraryIcon, LogsIcon, SettingsIcon } from './nav-icons';
import { SyncIndicator } from '../components/SyncIndicator';

interface NavItem {
  label: string;
  to: Route;
  icon: ReactNode;
  /** Routes that belong to this section, so the editor highlights Library. */
  matches: Route['name'][];
}

const ITEMS: NavItem[] = [
  { label: 'Library', to: { name: 'library' }, icon: <LibraryIcon />, matches: ['library', 'editor'] },
  { label: 'Chat', to: { name: 'chat' }, icon: <ChatIcon />, matches: ['chat'] },
  { label: 'Logs', to: { name: 'logs' }, icon: <LogsIcon />, matches: ['logs'] },
  { label: 'Settings', to: { name: 'settings' }, icon: <SettingsIcon />, matches: ['settings'] },
];

export function Nav() {
  const current = useAppStore((s) => s.route.current.name);
  return (
    <nav aria-label="Main" className="sidebar">
      <div className="sidebar__brand">
        <span className="sidebar__logo" aria-hidden="true">
          P
        </span>
        <span className="sidebar__product">Promptdesk</span>
      </div>
      <div className="sidebar__nav">
        <ul>
          {ITEMS.map((item) => {
            const active = item.matches.includes(current);
            return (
              <li key={item.label}>
                <Link to={item.to} className="nav-link" aria-current={active ? 'page' : undefined}>
                  <span className="nav-link__icon" aria-hidden="true">
                    {item.icon}
                  </span>
                  {item.label}
                </Link>
              </li>
            );
          })}
        </ul>
      </div>
      <SyncIndicator />
      <CurrentUser />
    </nav>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const first = parts[0] ?? '';
  const last = parts.length > 1 ? (parts[parts.length - 1] ?? '') : '';
  return (last ? first.slice(0, 1) + last.slice(0, 1) : first.slice(0, 2)).toUpperCase();
}

function CurrentUser() {
  const user = useAppStore((s) => s.session.info?.currentUser);
  const error = useAppStore((s) => s.session.infoError);
  if (!user) {
    return <div className="sidebar__user sidebar__user--muted">{error ? 'Not connected' : ' '}</div>;
  }
  return (
    <div className="sidebar__user">
      <span className="avatar" aria-hidden="true">
        {initials(user.name || user.email)}
      </span>
      <span className="sidebar__user-text">
        <span className="visually-hidden">Signed in as </span>
        <span className="sidebar__user-name">{user.name}</span>
        <span className="sidebar__user-email">{user.email}</span>
      </span>
    </div>
  );
}
