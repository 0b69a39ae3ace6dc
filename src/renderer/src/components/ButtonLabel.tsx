/**
 * A button label whose accessible name says more than its visible text, e.g. "Promote" shown,
 * "Promote v3" announced. One span, so the button's flex gap does not split the words.
 */
export function Label({ visible, hidden, after = '' }: { visible: string; hidden: string; after?: string }) {
  return (
    <span>
      {visible}
      <span className="visually-hidden">{hidden}</span>
      {after}
    </span>
  );
}
