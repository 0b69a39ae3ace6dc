import { useId, type ReactNode } from 'react';

interface SettingsSectionProps {
  title: string;
  description?: ReactNode;
  children: ReactNode;
  /** Content that needs the section's whole width (a wide table), below the two columns. */
  wide?: ReactNode;
}

export function SettingsSection({ title, description, children, wide }: SettingsSectionProps) {
  const id = useId();
  return (
    <section className="settings-section" aria-labelledby={id}>
      <div className="settings-section__intro">
        <h2 id={id} className="settings-section__title">
          {title}
        </h2>
        {description && <div className="settings-section__description">{description}</div>}
      </div>
      <div className="settings-section__body">{children}</div>
      {wide && <div className="settings-section__wide">{wide}</div>}
    </section>
  );
}

/** A definition list row: label on the left, value on the right. */
export function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="detail">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
