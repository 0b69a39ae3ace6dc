/**
 * Going to the control a readiness item names (`ReadinessFix.field`) after a link opens its tab:
 * the tab renders after navigation, so this waits for the element marked
 * `data-fix-target="<field>"` to appear, then scrolls it to the middle of the view and focuses it
 * (or, for a group, its checked or first enabled control). One mechanism for every target; a
 * screen opts in by marking its control.
 *
 * Gives up after `waitMs` (milliseconds) if the target never appears (a member who cannot see it).
 */
export function goToFixTarget(field: string, waitMs = 3_000): void {
  const selector = `[data-fix-target="${CSS.escape(field)}"]`;
  const land = (): boolean => {
    const target = document.querySelector<HTMLElement>(selector);
    if (!target || target.offsetParent === null) return false;
    target.scrollIntoView({ block: 'center' });
    focusable(target)?.focus({ preventScroll: true });
    return true;
  };
  if (land()) return;
  const observer = new MutationObserver(() => {
    if (land()) stop();
  });
  const timer = window.setTimeout(() => stop(), waitMs);
  const stop = () => {
    observer.disconnect();
    window.clearTimeout(timer);
  };
  observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['hidden', 'disabled'] });
}

const CONTROLS = 'input:not([disabled]), textarea:not([disabled]), select:not([disabled]), button:not([disabled]), [contenteditable="true"]';

function focusable(target: HTMLElement): HTMLElement | null {
  if (target.matches(CONTROLS)) return target;
  return target.querySelector<HTMLElement>('input:checked:not([disabled])') ?? target.querySelector<HTMLElement>(CONTROLS) ?? withTabIndex(target);
}

/** A target with no control of its own (read-only for this member) still takes focus, so the view lands there. */
function withTabIndex(target: HTMLElement): HTMLElement {
  if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
  return target;
}
