import type { Context, Hono } from 'hono';
import type { ApiEnv } from '../env';
import type { Operation } from '../openapi';
import type { AppErrorShape } from '../../../shared/schemas/common';

/**
 * One seed system's compatible API: its routes under `prefix`, their documentation, and how
 * its errors look. Real clients of that product parse its error bodies (Conductor's `message`,
 * FastAPI's and Django REST framework's `detail`), so each door answers errors (unknown paths,
 * missing keys, refused input) in its product's shape; every door keeps the problem+json
 * members too (type, title, status, detail, code, field), so a caller of several doors can
 * read any of them the same way.
 */
export interface CompatDoor {
  /** Where the door is mounted, e.g. `/compat/conductor` (no trailing slash). */
  prefix: string;
  routes: Hono<ApiEnv>;
  operations: Operation[];
  /** The response for an error raised anywhere under `prefix`, the key check included. */
  errorResponse: (error: AppErrorShape, c: Context<ApiEnv>, headers?: Record<string, string>) => Response;
}
