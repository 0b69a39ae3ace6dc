/**
 * The readiness checklist's thresholds, in one place (README "Deployment readiness"). Lengths are
 * counted in Unicode code points, so an emoji or a CJK character counts as one.
 */

/**
 * Item 4: a rendered user message longer than this needs a display message. 500 characters is
 * about 80 words, a full paragraph: past it the chat turn stops being a glance and starts to show
 * the prompt's scaffolding to the member instead of what they asked.
 */
export const DISPLAY_MESSAGE_THRESHOLD_CHARS = 500;

/** Item 2: a test case value this short (or empty) counts as a "short input". */
export const SHORT_INPUT_MAX_CHARS = 20;

/** Item 2: a test case value at least this long counts as a "long input" (a few paragraphs). */
export const LONG_INPUT_MIN_CHARS = 1000;

/** Item 7: distinct members who rated a run of the version "useful". */
export const USEFUL_RATERS_REQUIRED = 2;

/** Length in code points, the unit of every threshold above. */
export const charCount = (text: string): number => {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
};
