import { useEffect, type RefObject } from 'react';

/** Space kept under the panel, as the screen's own padding. */
const BOTTOM_GAP_PX = 16;
/** Below this the panel scrolls with the page instead of shrinking further. */
const MIN_HEIGHT_PX = 360;

/**
 * Keeps a sticky side panel from running past the bottom of the window, whatever sits above it
 * (a longer description, a banner): its height is the room left from where its top is now. CSS
 * alone cannot know that offset, and a panel taller than the window would hide its composer.
 */
export function useFillViewport(ref: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const scroller = element.closest('.shell__main') ?? window;
    let frame = 0;
    const fit = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        const top = Math.max(element.getBoundingClientRect().top, 0);
        element.style.height = `${Math.max(window.innerHeight - top - BOTTOM_GAP_PX, MIN_HEIGHT_PX)}px`;
      });
    };
    fit();
    scroller.addEventListener('scroll', fit, { passive: true });
    window.addEventListener('resize', fit);
    return () => {
      cancelAnimationFrame(frame);
      scroller.removeEventListener('scroll', fit);
      window.removeEventListener('resize', fit);
    };
  }, [ref]);
}
