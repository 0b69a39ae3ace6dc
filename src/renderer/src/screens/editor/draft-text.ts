import type { Template } from '../../../../shared/template/template';

const ROLE_LABELS = { system: 'System', user: 'User', assistant: 'Assistant' } as const;

/**
 * A draft's template as plain text to copy or read (LostDraft): a text template as it is; a chat
 * template as each message under its role ("User:" then its content), a blank line between.
 */
export function draftAsText(template: Template): string {
  if (template.kind === 'text') return template.text;
  return template.messages.map((m) => `${ROLE_LABELS[m.role]}:\n${m.content}`).join('\n\n');
}
