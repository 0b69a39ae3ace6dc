import { useId } from 'react';

interface RadioCardsProps<T extends string> {
  name: string;
  options: readonly T[];
  value: T | undefined;
  labels: Record<T, string>;
  hints: Record<T, string>;
  onChange(value: T): void;
  /** The hint still describes its radio; hidden, it is not also read as part of the radio's name. */
  hideHintsFromName?: boolean;
}

/** A choice of one among a few described options, as cards (sharing level, data logging). */
export function RadioCards<T extends string>({ name, options, value, labels, hints, onChange, hideHintsFromName = false }: RadioCardsProps<T>) {
  const hintId = useId();
  return options.map((option) => (
    <label key={option} className="radio-card level-card">
      <input
        type="radio"
        name={name}
        value={option}
        checked={value === option}
        aria-describedby={`${hintId}-${option}`}
        onChange={() => onChange(option)}
      />
      <span className="radio-card__label">{labels[option]}</span>
      <span id={`${hintId}-${option}`} className="radio-card__hint" aria-hidden={hideHintsFromName || undefined}>
        {hints[option]}
      </span>
    </label>
  ));
}
