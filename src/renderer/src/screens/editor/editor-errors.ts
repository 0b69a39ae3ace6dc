import { fieldIsUnder, type FormError } from '../../lib/field-errors';

/** Where on the editor screen a save error is shown. */
export type ErrorSlot =
  | { kind: 'template' }
  | { kind: 'message'; index: number }
  | { kind: 'models' }
  | { kind: 'temperature' }
  | { kind: 'maxTokens' }
  | { kind: 'displayMessage' }
  | { kind: 'commitMessage' }
  | { kind: 'banner' };

export function errorSlot(error: FormError): ErrorSlot {
  const { field } = error;
  const message = field ? /^template\.messages\.(\d+)/.exec(field) : null;
  if (message?.[1]) return { kind: 'message', index: Number(message[1]) };
  if (fieldIsUnder(field, 'template')) return { kind: 'template' };
  if (fieldIsUnder(field, 'modelSettings.temperature')) return { kind: 'temperature' };
  if (fieldIsUnder(field, 'modelSettings.maxTokens')) return { kind: 'maxTokens' };
  if (fieldIsUnder(field, 'modelSettings')) return { kind: 'models' };
  if (fieldIsUnder(field, 'displayMessage')) return { kind: 'displayMessage' };
  if (fieldIsUnder(field, 'commitMessage')) return { kind: 'commitMessage' };
  return { kind: 'banner' };
}
