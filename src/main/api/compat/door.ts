import type { Context, Handler, MiddlewareHandler } from 'hono';
import type { ApiEnv } from '../env';
import type { RouteDeclaration } from '../route';
import type { AppErrorShape } from '../../../shared/schemas/common';

/**
 * One seed system's compatible API: its routes under `prefix`, each declared once with its
 * documentation, and how its errors look. Real clients of that product parse its error bodies
 * (Conductor's `message`, FastAPI's and Django REST framework's `detail`), so each door answers
 * errors (unknown paths, missing keys, refused input) in its product's shape; every door keeps
 * the problem+json members too (type, title, status, detail, code, field), so a caller of
 * several doors can read any of them the same way.
 */
export interface CompatDoor {
  /** Where the door is mounted, e.g. `/compat/conductor` (no trailing slash). */
  prefix: string;
  /** The door's routes (full documented paths under `prefix`): served and documented from here. */
  routes: readonly RouteDeclaration[];
  /** Runs before any of the door's routes (Conductor refuses compressed bodies there). */
  before?: MiddlewareHandler<ApiEnv>;
  /** Answers a request under `prefix` that no route took, as the product would (Starlette's 405 or 307, Django's 404). */
  fallback?: Handler<ApiEnv>;
  /** The response for an error raised anywhere under `prefix`, the key check included. */
  errorResponse: (error: AppErrorShape, c: Context<ApiEnv>, headers?: Record<string, string>) => Response;
}
