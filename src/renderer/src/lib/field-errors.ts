import { ApiError } from './api';

/** What a form needs from a failed call: the message and the field it belongs to, if any. */
export interface FormError {
  message: string;
  field?: string;
}

export function toFormError(error: unknown): FormError {
  if (error instanceof ApiError) return { message: error.message, field: error.field };
  if (error instanceof Error) return { message: error.message };
  return { message: 'Something went wrong' };
}

/**
 * Schema errors arrive as "tags.0: Tags are ..."; next to the field itself the path is noise.
 */
export function messageForField(error: FormError): string {
  if (error.field && error.message.startsWith(`${error.field}: `)) {
    return error.message.slice(error.field.length + 2);
  }
  return error.message;
}

/** True when `field` is `prefix` or lies under it (`tags.0` is under `tags`). */
export function fieldIsUnder(field: string | undefined, prefix: string): boolean {
  return field !== undefined && (field === prefix || field.startsWith(`${prefix}.`));
}
