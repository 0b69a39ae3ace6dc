import type { DesktopApi } from '../../../shared/contract/desktop-api';
import type { AppErrorShape, ErrorCode, Result } from '../../../shared/schemas/common';
import { createBrowserBridge } from './bridge';

declare global {
  interface Window {
    promptdesk?: DesktopApi;
  }
}

/** A failed call, with the field at fault so forms can show the message next to it. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  constructor(error: AppErrorShape) {
    super(error.message);
    this.code = error.code;
    this.field = error.field;
  }
}

const desktop: DesktopApi = window.promptdesk ?? createBrowserBridge();

export async function unwrap<T>(pending: Promise<Result<T>>): Promise<T> {
  const result = await pending;
  if (!result.ok) throw new ApiError(result.error);
  return result.value;
}

/** The typed API; screens call `await unwrap(api.prompts.list({...}))` or the helpers in state/. */
export const api = desktop;
