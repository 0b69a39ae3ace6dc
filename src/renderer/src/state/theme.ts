export type ThemePreference = 'system' | 'light' | 'dark';

const STORAGE_KEY = 'promptdesk.theme';
const darkQuery = () => window.matchMedia('(prefers-color-scheme: dark)');

export function readThemePreference(): ThemePreference {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return stored === 'light' || stored === 'dark' ? stored : 'system';
  } catch {
    return 'system';
  }
}

export function storeThemePreference(preference: ThemePreference): void {
  try {
    if (preference === 'system') localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, preference);
  } catch {
    // Storage can be unavailable (private windows); the choice then lasts for this session only.
  }
}

/** Sets `data-theme` on <html> to the concrete theme the CSS variables key on. */
export function applyTheme(preference: ThemePreference): void {
  const resolved = preference === 'system' ? (darkQuery().matches ? 'dark' : 'light') : preference;
  document.documentElement.dataset.theme = resolved;
  document.documentElement.style.colorScheme = resolved;
}

/** Follows OS theme changes while the preference is "system". Returns an unsubscribe. */
export function followSystemTheme(current: () => ThemePreference): () => void {
  const query = darkQuery();
  const onChange = () => {
    if (current() === 'system') applyTheme('system');
  };
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}
