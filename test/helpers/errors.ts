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
