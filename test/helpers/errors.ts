import { AppError } from '../../src/main/core/errors';

/** The AppError a service call throws (fails the test if it returns or throws anything else). */
export function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

/** 'ok' when `fn` returns, else the code of the AppError it throws (anything else is rethrown). */
export function codeOf(fn: () => unknown): 'ok' | AppError['code'] {
  try {
    fn();
    return 'ok';
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}
