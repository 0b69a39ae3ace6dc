import type { ChatMessage, Template } from '../../../shared/template/template';
import type { RefineMessageSchema } from '../../../shared/schemas/refine';
import type { z } from 'zod';
import type { RefineContext } from './refine-context';

/**
 * How the model hands back its revision: always a delimited block, for every provider.
 *
 * Why not structured output or tool calling where a provider has it: the local servers members
 * run (Ollama, LM Studio and other OpenAI-compatible ones) differ in whether and how they honour
 * `response_format`/JSON schemas and many models there cannot call tools; Anthropic has neither
 * JSON mode nor `response_format`, only tools. One format asked of every model keeps one parser
 * and one set of tests, streams as readable text (the explanation shows while it is written), and
 * a whole template inside a JSON string would need escaping that models get wrong on long texts.
 * The block is parsed strictly (refine-answer.ts): anything unexpected is "no usable revision".
 */
export const REVISION_OPEN = '<revision>';
export const REVISION_CLOSE = '</revision>';
/** A line that opens a chat template's message inside the block: `<message role="user">`. */
export const MESSAGE_OPEN_LINE = /^[ \t]*<message role="(system|user|assistant)">[ \t]*\r?$/;
/** A whole message on one line, as models sometimes write a short one. */
export const MESSAGE_INLINE_LINE = /^[ \t]*<message role="(system|user|assistant)">(.*)<\/message>[ \t]*\r?$/;
/** The line that closes a message. */
export const MESSAGE_CLOSE_LINE = /^[ \t]*<\/message>[ \t]*\r?$/;

// A template line that starts like one of the markers (after spaces and any backslashes) gets one
// more backslash when sent, and loses one when read back: markers are whole lines, so an escaped
// line can never be read as one, and the mapping is exactly reversible (backslash stuffing).
const MARKER_LIKE = /^([ \t]*)(\\*<\/?(?:revision|message|current_template)\b)/gm;
const ESCAPED_MARKER = /^([ \t]*)\\(\\*<\/?(?:revision|message|current_template)\b)/gm;

/** Template text as sent to the model: no line of it can pass for a block or message marker. */
export function escapeMarkers(text: string): string {
  return text.replace(MARKER_LIKE, '$1\\$2');
}

/** The inverse of `escapeMarkers`, applied to what the model writes inside its block. */
export function unescapeMarkers(text: string): string {
  return text.replace(ESCAPED_MARKER, '$1$2');
}

/** Characters of one test-case output or value shown to the model. */
const MAX_SHOWN_CHARS = 2_000;

const clip = (text: string) => (text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS)}… [${text.length - MAX_SHOWN_CHARS} more characters]` : text);

/** A template as it appears inside a revision block (and in the context, so the model sees the format it must answer in). */
export function templateBlockBody(template: Template): string {
  if (template.kind === 'text') return escapeMarkers(template.text);
  return template.messages.map((m) => `<message role="${m.role}">\n${escapeMarkers(m.content)}\n</message>`).join('\n');
}

const revisionBlock = (template: Template, open = REVISION_OPEN, close = REVISION_CLOSE) => `${open}\n${templateBlockBody(template)}\n${close}`;

function instructions(kind: Template['kind']): string {
  const shape =
    kind === 'text'
      ? 'The template is one text: put the whole revised text inside the block, exactly as it should be saved.'
      : 'The template is a list of chat messages: inside the block, write every message of the revised template as a line <message role="system|user|assistant">, its content, then a line </message>, in order.';
  return [
    'You help the author of a prompt template improve it. The template is sent to a language model after its variables are filled in.',
    'Template syntax: {{name}} inserts the variable "name" (letters, digits and _). Single braces are plain text. Keep the variables the template needs; add or remove one only when the author\'s request calls for it.',
    'Answer in this order:',
    '1. A short explanation of what you changed and why (plain text, a few sentences).',
    `2. The whole revised template, never a fragment or a diff, between a line ${REVISION_OPEN} and a line ${REVISION_CLOSE}. ${shape}`,
    'A template line that starts with a backslash before <revision, <message or <current_template keeps that backslash: copy such lines exactly as shown.',
    `Write exactly one revision block and nothing after it. If you need to ask the author something first, or the request needs no change, answer with the explanation only and no block.`,
  ].join('\n');
}

function contextText(context: RefineContext): string {
  const { row, version, testCases } = context;
  const meta = version.variables.filter((v) => v.description || v.default !== undefined || v.example !== undefined);
  const settings = version.modelSettings;
  const lines = [
    `Prompt: ${row.name} (version ${version.number})`,
    `Title: ${row.title || '(none)'}`,
    `Description: ${row.description || '(none)'}`,
    `Display message shown in chat instead of the rendered prompt: ${version.displayMessage ?? '(none)'}`,
    `Model settings: models ${settings.models.join(', ') || '(none set)'}; temperature ${settings.temperature ?? 'default'}; max tokens ${settings.maxTokens ?? 'default'}`,
    `Variables: ${version.detectedVariables.join(', ') || '(none)'}`,
    ...meta.map((v) =>
      [`- ${v.name}:`, v.description && `description "${v.description}"`, v.default !== undefined && `default "${clip(v.default)}"`, v.example !== undefined && `example "${clip(v.example)}"`]
        .filter(Boolean)
        .join(' '),
    ),
    '',
    'Current template:',
    revisionBlock(version.template, '<current_template>', '</current_template>'),
  ];
  if (testCases.length > 0) {
    lines.push('', 'Saved test cases (the inputs the author tests with) and the latest output of each:');
    for (const testCase of testCases) {
      const values = Object.entries(testCase.variables).map(([name, value]) => `${name}=${JSON.stringify(clip(String(value)))}`);
      lines.push(`- ${testCase.name}: ${values.join(', ') || '(no variables)'}`);
      lines.push(
        testCase.latestOutput
          ? `  Latest output (version ${testCase.latestOutput.version ?? 'draft'}): ${clip(testCase.latestOutput.text)}`
          : '  Latest output: (none logged)',
      );
    }
  }
  return lines.join('\n');
}

type RefineTurn = z.output<typeof RefineMessageSchema>;

/**
 * The messages a refine turn sends: one system message (instructions, then the prompt's context),
 * then the conversation. A model's earlier turn is sent with its proposal as a revision block, so
 * "shorter" refers to the last revision; the member's words are sent as they wrote them.
 */
export function refineMessages(context: RefineContext, conversation: RefineTurn[]): ChatMessage[] {
  const system: ChatMessage = { role: 'system', content: `${instructions(context.version.template.kind)}\n\n${contextText(context)}` };
  const turns = conversation.map((turn): ChatMessage => {
    if (turn.role === 'user') return { role: 'user', content: turn.content };
    // A caller may send the model's whole answer back, block included: then it is not added twice.
    const proposal = turn.proposal && !turn.content.includes(REVISION_OPEN) ? `\n\n${revisionBlock(turn.proposal)}` : '';
    return { role: 'assistant', content: `${turn.content}${proposal}` };
  });
  return [system, ...turns];
}
