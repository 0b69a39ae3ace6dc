import type { Page } from '@playwright/test';

/**
 * Run in the page (as text: the test program has no DOM types). Lists every visible control
 * whose box leaves the window sideways, or that a clipping parent (overflow other than visible)
 * cuts off, and every element that scrolls sideways (code snippets excepted: long lines scroll
 * on purpose, focusable).
 */
const LAYOUT_PROBE = `(() => {
  const cutOff = [];
  const sideways = [];
  const controls = document.querySelectorAll('button, input, select, textarea, a[href], [role="switch"], [role="tab"], [role="combobox"]');
  for (const element of controls) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || getComputedStyle(element).visibility === 'hidden' || element.closest('.visually-hidden')) continue;
    const name = element.tagName.toLowerCase() + ' "' + (element.getAttribute('aria-label') || element.textContent || '').trim().slice(0, 40) + '"';
    if (box.left < -1 || box.right > innerWidth + 1) cutOff.push(name + ' outside the window');
    for (let parent = element.parentElement; parent; parent = parent.parentElement) {
      if (getComputedStyle(parent).overflowX === 'visible') continue;
      const frame = parent.getBoundingClientRect();
      if (box.left < frame.left - 1 || box.right > frame.right + 1) {
        cutOff.push(name + ' cut off by .' + String(parent.className));
        break;
      }
    }
  }
  for (const element of [document.documentElement, ...document.querySelectorAll('body *')]) {
    const overflow = getComputedStyle(element).overflowX;
    const scrolls = element === document.documentElement || overflow === 'auto' || overflow === 'scroll';
    if (scrolls && element.scrollWidth > element.clientWidth + 1 && !element.closest('pre')) sideways.push(String(element.className || element.tagName));
  }
  return { cutOff, sideways };
})()`;

/** Controls cut off (outside the window or a clipping parent) and elements scrolling sideways, as LAYOUT_PROBE finds them. */
export async function layoutProblems(page: Page): Promise<{ cutOff: string[]; sideways: string[] }> {
  return page.evaluate(LAYOUT_PROBE) as Promise<{ cutOff: string[]; sideways: string[] }>;
}
