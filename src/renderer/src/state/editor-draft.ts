import type { PromptVersion, SaveVersionInput } from '../../../shared/schemas/prompts';
import {
  analyzeTemplate,
  type MessageRole,
  type Template,
  type VariableMeta,
} from '../../../shared/template/template';

/**
 * The editor works on strings (what the inputs hold); conversion to the save input happens
 * once, here, and the server decides whether the values are acceptable.
 */
export interface DraftMessage {
  /** Stable key so each message keeps its own CodeMirror instance across edits. */
  id: string;
  role: MessageRole;
  content: string;
}

export interface VariableDraft {
  description: string;
  default: string;
  example: string;
}

export type TemplateMode = 'text' | 'chat';

export interface EditorDraft {
  mode: TemplateMode;
  text: string;
  messages: DraftMessage[];
  /** Kept by name even when a variable leaves the template, so re-adding it restores its notes. */
  variables: Record<string, VariableDraft>;
  models: string;
  temperature: string;
  maxTokens: string;
  displayMessage: string;
}

let messageSeq = 0;
export function newMessage(role: MessageRole = 'user', content = ''): DraftMessage {
  messageSeq += 1;
  return { id: `m${messageSeq}`, role, content };
}

export const EMPTY_VARIABLE: VariableDraft = { description: '', default: '', example: '' };

export function draftFromVersion(version: PromptVersion | null): EditorDraft {
  const template = version?.template ?? { kind: 'text', text: '' };
  const settings = version?.modelSettings;
  return {
    mode: template.kind,
    text: template.kind === 'text' ? template.text : '',
    messages: template.kind === 'chat' ? template.messages.map((m) => newMessage(m.role, m.content)) : [],
    variables: Object.fromEntries(
      (version?.variables ?? []).map((v) => [
        v.name,
        { description: v.description ?? '', default: v.default ?? '', example: v.example ?? '' },
      ]),
    ),
    models: (settings?.models ?? []).join('\n'),
    temperature: settings?.temperature === undefined ? '' : String(settings.temperature),
    maxTokens: settings?.maxTokens === undefined ? '' : String(settings.maxTokens),
    displayMessage: version?.displayMessage ?? '',
  };
}

export function draftTemplate(draft: EditorDraft): Template {
  return draft.mode === 'text'
    ? { kind: 'text', text: draft.text }
    : { kind: 'chat', messages: draft.messages.map(({ role, content }) => ({ role, content })) };
}

/** Switching format carries the words over rather than starting from a blank editor. */
export function switchMode(draft: EditorDraft, mode: TemplateMode): EditorDraft {
  if (mode === draft.mode) return draft;
  if (mode === 'chat') {
    const messages = draft.messages.length > 0 ? draft.messages : [newMessage('user', draft.text)];
    return { ...draft, mode, messages };
  }
  const text = draft.text !== '' ? draft.text : draft.messages.map((m) => m.content).join('\n\n');
  return { ...draft, mode, text };
}

export function variableMetadata(draft: EditorDraft, names: string[]): VariableMeta[] {
  return names.map((name) => {
    const meta = draft.variables[name] ?? EMPTY_VARIABLE;
    return {
      name,
      ...(meta.description.trim() ? { description: meta.description } : {}),
      ...(meta.default !== '' ? { default: meta.default } : {}),
      ...(meta.example !== '' ? { example: meta.example } : {}),
    };
  });
}

const optionalNumber = (value: string): number | undefined => (value.trim() === '' ? undefined : Number(value));

export function draftToSaveInput(
  draft: EditorDraft,
  name: string,
  baseVersion: number,
  commitMessage: string,
): SaveVersionInput {
  const template = draftTemplate(draft);
  const analysis = analyzeTemplate(template);
  const temperature = optionalNumber(draft.temperature);
  const maxTokens = optionalNumber(draft.maxTokens);
  return {
    name,
    template,
    variables: variableMetadata(draft, analysis.ok ? analysis.variables : []),
    modelSettings: {
      models: draft.models
        .split(/[\n,]/)
        .map((m) => m.trim())
        .filter(Boolean),
      ...(temperature === undefined ? {} : { temperature }),
      ...(maxTokens === undefined ? {} : { maxTokens }),
    },
    commitMessage,
    baseVersion,
    displayMessage: draft.displayMessage,
  };
}

/** Two drafts that would save the same version have the same key: that is "clean". */
export function draftKey(draft: EditorDraft): string {
  const input = draftToSaveInput(draft, '', 0, '');
  return JSON.stringify([input.template, input.variables, input.modelSettings, input.displayMessage]);
}
