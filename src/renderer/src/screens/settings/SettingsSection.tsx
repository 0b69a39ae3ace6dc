import { useId, type ReactNode } from 'react';

export function SettingsSection({ title, description, children }: { title: string; description?: ReactNode; children: ReactNode }) {
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
