import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import type { ApiEnv } from './env';
import type { Operation } from './openapi';
import type { Workspace } from '../core/workspace';
import { readJson } from './body';

/** What a served API gives its handlers besides the request: the workspace and the document. */
export interface ServedApi {
  workspace: Workspace;
  /** The app's version (health, the OpenAPI document's `info.version`). */
  version: string;
  /** The OpenAPI 3.1 document of every declared route (openapi.ts openApiDocument). */
  document: Record<string, unknown>;
}

/** The second argument of a route's handler. */
export interface RouteRequest<B extends z.ZodType> {
  /**
   * The JSON body read and parsed with the route's declared `body` schema under every door's
   * body rules (api/body.ts readJson: size limit, UTF-8, 415 for a non-JSON type, value count,
   * depth, forbidden keys, and on the native API unknown members refused naming them), with the
   * members `bodyFromPath` takes from the path merged in. Lazy: a handler that checks its path
   * first calls it after, so the first error a request meets stays the same.
   * @throws AppError 400 naming the field, 413, 415
   */
  body: () => Promise<z.output<B>>;
  api: ServedApi;
}

/**
 * One HTTP route, declared once: its method and path, its documentation (summary, tag, query
 * parameters, responses, the key scopes it needs) and body schema, from which both the OpenAPI
 * operation (openapi.ts) and the Hono route (mountRoutes) come, and its handler.
 *
 * @example
 * route({
 *   method: 'post', path: '/api/v1/prompts', summary: 'Create a prompt', tag: 'prompts', scopes: ['write'],
 *   body: CreatePromptInput, responses: { 201: 'The prompt' },
 *   handler: async (c, { body }) => c.json(createPrompt(c.get('ctx'), await body()), 201),
 * });
 */
export interface RouteDeclaration<B extends z.ZodType = z.ZodType> extends Operation {
  body?: B;
  /**
   * Body members the path sets (e.g. `name` from `{name}`), each read from the request by its
   * function: merged into the body before it is parsed, refused when the body sends them, and
   * left out of the documented body.
   */
  bodyFromPath?: Record<string, (c: Context<ApiEnv>) => unknown>;
  /**
   * Also served without its trailing slash (or with one, when the path has none), undocumented:
   * products whose clients call both spellings (Respan's SDK, Open WebUI's list).
   */
  slashOptional?: boolean;
  handler: (c: Context<ApiEnv>, request: RouteRequest<B>) => Response | Promise<Response>;
}

/** Declares a route; the identity, so the handler's `body()` is typed by the declared schema. */
export function route<B extends z.ZodType = z.ZodType>(declaration: RouteDeclaration<B>): RouteDeclaration {
  return declaration as unknown as RouteDeclaration;
}

/** A `bodyFromPath` reader: the raw path segment `name` (the body's schema parses it). */
export const pathParam =
  (name: string) =>
  (c: Context<ApiEnv>): string | undefined =>
    c.req.param(name);

/** A documented path as Hono writes it: `/api/v1/prompts/{name}` -> `/api/v1/prompts/:name`. */
export function honoPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/** The other spelling of a path: without its trailing slash, or with one. */
const toggledSlash = (path: string) => (path.endsWith('/') ? path.slice(0, -1) : `${path}/`);

/**
 * Serves declared routes on `app`, in declaration order (Hono tries routes in the order they
 * were added, so where paths overlap the first declared wins, e.g. Open WebUI's
 * `/history/diff` before `/history/{history_id}`).
 *
 * @param mountedAt the prefix `app` is mounted under (a compat door's `/compat/<product>`):
 *   stripped from each declared path, which is the full documented one
 */
export function mountRoutes(app: Hono<ApiEnv>, routes: readonly RouteDeclaration[], api: ServedApi, mountedAt = ''): void {
  for (const declared of routes) {
    if (!declared.path.startsWith(mountedAt)) throw new Error(`${declared.path} is not under ${mountedAt}`);
    const path = honoPath(declared.path.slice(mountedAt.length));
    const paths = declared.slashOptional ? [path, toggledSlash(path)] : [path];
    const { body: schema, bodyFromPath = {}, handler } = declared;
    app.on(declared.method.toUpperCase(), paths, (c) =>
      handler(c, {
        body: () => {
          if (!schema) throw new Error(`${declared.method} ${declared.path} declares no body`);
          // Path members first, in declaration order, so a bad path segment is the error a request meets first.
          const fromPath = Object.fromEntries(Object.entries(bodyFromPath).map(([name, read]) => [name, read(c)]));
          return readJson(c, schema, fromPath);
        },
        api,
      }),
    );
  }
}
