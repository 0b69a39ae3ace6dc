import type { ThemePreference } from '../../state/theme';
import { useAppStore } from '../../state/store';
import { SettingsSection } from './SettingsSection';

const OPTIONS: { value: ThemePreference; label: string; hint: string }[] = [
  { value: 'system', label: 'System', hint: 'Follow the operating system' },
  { value: 'light', label: 'Light', hint: 'Always light' },
  { value: 'dark', label: 'Dark', hint: 'Always dark' },
];

export function AppearanceSection() {
  const theme = useAppStore((s) => s.session.theme);
  const setTheme = useAppStore((s) => s.session.setTheme);
  return (
    <SettingsSection title="Appearance" description="Saved on this device.">
      <fieldset className="radio-cards">
        <legend className="visually-hidden">Theme</legend>
        {OPTIONS.map((option) => (
          <label key={option.value} className="radio-card">
            <input
              type="radio"
              name="theme"
              value={option.value}
              checked={theme === option.value}
              onChange={() => setTheme(option.value)}
            />
            <span className={`radio-card__swatch radio-card__swatch--${option.value}`} aria-hidden="true" />
            <span className="radio-card__label">{option.label}</span>
            <span className="radio-card__hint" aria-hidden="true">
              {option.hint}
            </span>
          </label>
        ))}
      </fieldset>
    </SettingsSection>
  );
}
