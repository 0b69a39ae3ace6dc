import { AppError } from '../errors';
import { diffTexts, templateAsText } from '../versions/compare';
import { alignVariables, validateTemplate } from '../versions/versions-service';
import { TemplateSchema } from '../../../shared/schemas/template';
import type { PromptVersion } from '../../../shared/schemas/prompts';
import type { RefineDiff, RefineProposal } from '../../../shared/schemas/refine';
import type { ChatMessage, Template } from '../../../shared/template/template';
import { MESSAGE_CLOSE_LINE, MESSAGE_INLINE_LINE, MESSAGE_OPEN_LINE, REVISION_CLOSE, REVISION_OPEN, unescapeMarkers } from './refine-prompt';

/** A model's answer, read: the explanation, and the proposal with its diff or the reason there is none. */
export interface ReadAnswer {
  explanation: string;
  proposal: RefineProposal | null;
  reason: string | null;
  diff: RefineDiff | null;
}

/** Why an answer has no usable revision; each says what the member can do next. */
export const NO_REVISION = {
  missing: 'The answer holds no proposed revision: the model answered with an explanation or a question only. Reply to it, or ask for the revised template.',
  several: `The answer holds more than one ${REVISION_OPEN} block, so which is the proposal is unclear. Ask for one revised template.`,
  unopened: `The answer closes a ${REVISION_CLOSE} block it never opened, so the revision cannot be read. Ask again.`,
  cutOff: `The answer stopped inside its revision (no ${REVISION_CLOSE}): it was cut off, by Stop or the model's output limit. Ask again, or for a shorter template.`,
  empty: 'The proposed revision is empty. Ask again.',
  messages: 'The proposed chat messages are not all written as <message role="system|user|assistant">…</message>, so they cannot be read. Ask again.',
  kindChanged: (from: Template['kind'], to: Template['kind']) =>
    `The template is ${from === 'chat' ? 'a list of chat messages' : 'one text'} but the revision is ${to === 'chat' ? 'chat messages' : 'one text'}. Ask for the same kind of template.`,
  invalid: (message: string) => `The proposed template cannot be saved: ${message}. Ask the model to fix it.`,
} as const;

/** Where a marker line starts and ends (the line break after it excluded). */
interface MarkerLine {
  start: number;
  end: number;
}

/**
 * The lines of `text` that are exactly `marker` (spaces around allowed): a marker mentioned
 * inside a sentence is not one, and the template's own marker-like lines are escaped when sent.
 */
function markerLines(text: string, marker: string): MarkerLine[] {
  const pattern = new RegExp(`^[ \\t]*${marker.replace(/[/]/g, '\\/')}[ \\t]*(?=\\r?$)`, 'gm');
  return [...text.matchAll(pattern)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

/**
 * The block's text without the line break after its opening tag and the one before its closing
 * tag (CR LF when the answer opened the block with CR LF), so the template is exactly what the
 * model wrote between them.
 */
function blockBody(raw: string): string {
  const lineBreak = raw.startsWith('\r\n') ? '\r\n' : raw.startsWith('\n') ? '\n' : '';
  if (!lineBreak) return raw;
  const inner = raw.slice(lineBreak.length);
  return inner.endsWith(lineBreak) ? inner.slice(0, -lineBreak.length) : inner;
}

const FENCED = /^```[^\n]*\n([\s\S]*?)\n```$/;

/** Models often wrap a block's content in a Markdown fence; a fence the base template has is kept. */
function unfenced(body: string, base: Template): string {
  const match = FENCED.exec(body.trim());
  if (!match) return body;
  const baseText = templateAsText(base).trimStart();
  return baseText.startsWith('```') ? body : match[1]!;
}

/**
 * A chat revision, line by line: each message is a line `<message role="…">`, its content, and a
 * line `</message>` (or all three on one line); only blank lines may sit between messages.
 */
function chatMessagesOf(body: string): ChatMessage[] | null {
  const messages: ChatMessage[] = [];
  let open: { role: ChatMessage['role']; lines: string[] } | null = null;
  for (const line of body.split('\n')) {
    if (open) {
      if (MESSAGE_CLOSE_LINE.test(line)) {
        messages.push({ role: open.role, content: unescapeMarkers(open.lines.join('\n')) });
        open = null;
      } else open.lines.push(line);
      continue;
    }
    const inline = MESSAGE_INLINE_LINE.exec(line);
    const opening = MESSAGE_OPEN_LINE.exec(line);
    if (inline) messages.push({ role: inline[1] as ChatMessage['role'], content: unescapeMarkers(inline[2]!) });
    else if (opening) open = { role: opening[1] as ChatMessage['role'], lines: [] };
    else if (line.trim() !== '') return null;
  }
  return messages.length > 0 && open === null ? messages : null;
}

const looksChat = (content: string) => {
  const first = content.split('\n').find((line) => line.trim() !== '') ?? '';
  return MESSAGE_OPEN_LINE.test(first) || MESSAGE_INLINE_LINE.test(first);
};

function fail(explanation: string, reason: string): ReadAnswer {
  return { explanation, proposal: null, reason, diff: null };
}

/** The revision block, parsed strictly into a template of the base's kind, or the reason it cannot be. */
function templateOf(body: string, base: Template): Template | string {
  const content = unfenced(body, base);
  if (content.trim() === '') return NO_REVISION.empty;
  if (looksChat(content)) {
    const messages = chatMessagesOf(content);
    if (!messages) return NO_REVISION.messages;
    if (base.kind !== 'chat') return NO_REVISION.kindChanged(base.kind, 'chat');
    return { kind: 'chat', messages };
  }
  if (base.kind !== 'text') return NO_REVISION.kindChanged(base.kind, 'text');
  return { kind: 'text', text: unescapeMarkers(content) };
}

/**
 * Reads a model's refine answer against the version it refines. The answer is an explanation and
 * exactly one block between a line `<revision>` and a line `</revision>` (refine-prompt.ts says why
 * a delimited block, and how the template's own marker-like lines are escaped); the
 * proposal is validated as saving validates a template (versions-service validateTemplate), its
 * variables keep the refined version's metadata, and the diff is the compare view's.
 *
 * Never throws for anything the model wrote: an answer without a usable revision (none, several,
 * cut off, malformed, invalid) gives `proposal: null` with a `reason` the member can act on.
 *
 * @example readRefineAnswer('Shorter.\n<revision>\nHi {{name}}\n</revision>', v1).proposal?.template // { kind: 'text', text: 'Hi {{name}}' }
 */
export function readRefineAnswer(answer: string, base: PromptVersion): ReadAnswer {
  const opens = markerLines(answer, REVISION_OPEN);
  const closes = markerLines(answer, REVISION_CLOSE);
  if (opens.length === 0) return fail(answer.trim(), closes.length > 0 ? NO_REVISION.unopened : NO_REVISION.missing);
  const open = opens[0]!;
  const before = answer.slice(0, open.start).trim();
  if (opens.length > 1) return fail(before, NO_REVISION.several);
  const close = closes.find((line) => line.start > open.start);
  if (close === undefined) return fail(before, NO_REVISION.cutOff);
  if (closes.length > 1 || closes[0]!.start < open.start) return fail(before, NO_REVISION.unopened);
  const after = answer.slice(close.end).trim();
  const explanation = [before, after].filter(Boolean).join('\n\n');

  const shaped = templateOf(blockBody(answer.slice(open.end, close.start)), base.template);
  if (typeof shaped === 'string') return fail(explanation, shaped);
  const schema = TemplateSchema.safeParse(shaped);
  if (!schema.success) return fail(explanation, NO_REVISION.invalid(schema.error.issues[0]?.message ?? 'it is not a template'));
  let detected: string[];
  try {
    detected = validateTemplate(schema.data);
  } catch (error) {
    if (error instanceof AppError) return fail(explanation, NO_REVISION.invalid(error.message.replace(/[.:]\s*$/, '')));
    throw error;
  }
  const template = schema.data;
  const { parts, granularity } = diffTexts(templateAsText(base.template), templateAsText(template));
  const baseNames = new Set(base.detectedVariables);
  const newNames = new Set(detected);
  return {
    explanation,
    proposal: { template, variables: alignVariables(detected, base.variables) },
    reason: null,
    diff: {
      template: parts,
      granularity,
      variables: { added: detected.filter((n) => !baseNames.has(n)), removed: base.detectedVariables.filter((n) => !newNames.has(n)) },
    },
  };
}
