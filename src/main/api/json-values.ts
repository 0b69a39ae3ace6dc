import { invalid } from '../core/errors';

/**
 * The most values (object members and array elements, at any depth, together) one JSON request
 * body may hold. The largest real body (a save with 100 messages and 200 variable descriptions,
 * or a render with MAX_TEMPLATE_VARIABLES values) holds a few thousand; a 1 MiB body of tiny
 * members holds about 170,000, and parsing, checking and validating that many blocks the server
 * for a long time before any schema could refuse them.
 */
export const MAX_JSON_VALUES = 10_000;

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;

interface Frame {
  array: boolean;
  /** Values this container holds so far. */
  entries: number;
  /** Elements seen so far in an array (its current index). */
  index: number;
  /** Source offsets of the current member's key in an object (quotes included), or -1. */
  keyStart: number;
  keyEnd: number;
}

/**
 * The dotted path (as zod names fields: `variables`, `template.messages`) of the open container
 * holding the most values, the outermost on a tie: where the flood is, not the small object
 * inside it that happened to pass the count.
 */
function pathOf(text: string, stack: Frame[]): string | undefined {
  let largest = 0;
  for (let depth = 1; depth < stack.length; depth++) if (stack[depth]!.entries > stack[largest]!.entries) largest = depth;
  const parts: string[] = [];
  // The root container has no name; each deeper one is named by its parent's key or index.
  for (let depth = 0; depth < largest; depth++) {
    const frame = stack[depth]!;
    if (frame.array) parts.push(String(frame.index));
    else if (frame.keyStart >= 0) parts.push(String(JSON.parse(text.slice(frame.keyStart, frame.keyEnd))));
  }
  return parts.length > 0 ? parts.join('.') : undefined;
}

/**
 * Refuses a JSON text holding more than `max` values (400 invalid_input naming the container
 * where the count passed the limit, e.g. `variables`), before it is parsed: one forward scan,
 * strings skipped with indexOf, so the cost is a few milliseconds for a 1 MiB body. It counts,
 * it does not validate: malformed JSON is left for JSON.parse to refuse.
 */
export function assertJsonValueCount(text: string, max: number = MAX_JSON_VALUES): void {
  // Each value is counted at its own character (a `:`, a `,` or a `[`), so a text of at most `max`
  // characters cannot hold more than `max` values: no scan needed (most bodies are that short).
  if (text.length <= max) return;
  const stack: Frame[] = [];
  let values = 0;
  let expectKey = false;
  let lastStringStart = -1;
  let lastStringEnd = -1;
  const count = (frame: Frame) => {
    frame.entries++;
    if (++values > max) {
      throw invalid(`The body holds more than ${max.toLocaleString('en-US')} values (object members and array elements); send fewer`, pathOf(text, stack));
    }
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === QUOTE) {
      // Jump to the closing quote: one not preceded by an odd run of backslashes.
      let end = text.indexOf('"', i + 1);
      while (end !== -1) {
        let slashes = 0;
        while (text.charCodeAt(end - 1 - slashes) === BACKSLASH) slashes++;
        if (slashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (end === -1) return; // unterminated: JSON.parse says so
      lastStringStart = i;
      lastStringEnd = end + 1;
      i = end;
    } else if (ch === COLON) {
      const frame = stack[stack.length - 1];
      if (frame && !frame.array && expectKey) {
        frame.keyStart = lastStringStart;
        frame.keyEnd = lastStringEnd;
        expectKey = false;
        count(frame);
      }
    } else if (ch === COMMA) {
      const frame = stack[stack.length - 1];
      if (!frame) continue;
      if (frame.array) {
        frame.index++;
        count(frame);
      } else expectKey = true;
    } else if (ch === OPEN_OBJECT || ch === OPEN_ARRAY) {
      const array = ch === OPEN_ARRAY;
      const frame: Frame = { array, entries: 0, index: 0, keyStart: -1, keyEnd: -1 };
      stack.push(frame);
      expectKey = !array;
      // An array's first element counts when it starts (anything but `]` after `[`).
      if (array) {
        let next = i + 1;
        while (next < text.length && /\s/.test(text[next]!)) next++;
        if (text.charCodeAt(next) !== CLOSE_ARRAY) count(frame);
      }
    } else if (ch === CLOSE_OBJECT || ch === CLOSE_ARRAY) {
      stack.pop();
      expectKey = false;
    }
  }
}
