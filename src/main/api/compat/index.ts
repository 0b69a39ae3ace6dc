import { Context, Hono } from 'hono';
import type { AppErrorShape } from '../../../shared/schemas/common';
import type { ApiEnv } from '../env';
import { mountRoutes, type RouteDeclaration, type ServedApi } from '../route';
import type { CompatDoor } from './door';
import { conductorDoor } from './conductor';
import { openWebUiDoor } from './openwebui';
import { respanDoor } from './respan';

const DOORS: readonly CompatDoor[] = [conductorDoor, openWebUiDoor, respanDoor];

/**
 * Serves each compat door (Conductor, Open WebUI, Respan) under its prefix (`/compat/<product>`):
 * its `before` middleware, its declared routes in order, then its fallback for anything else.
 */
export function mountCompat(app: Hono<ApiEnv>, api: ServedApi): void {
  for (const door of DOORS) {
    const served = new Hono<ApiEnv>();
    if (door.before) served.use('*', door.before);
    mountRoutes(served, door.routes, api, door.prefix);
    if (door.fallback) served.all('/*', door.fallback);
    app.route(door.prefix, served);
  }
}

/** The compat door a request path is under (its errors then take that product's shape), if any. */
export function compatDoorOf(pathname: string): CompatDoor | undefined {
  return DOORS.find((door) => pathname === door.prefix || pathname.startsWith(`${door.prefix}/`));
}

/**
 * The answer to an error found before the app routes a request (the loopback guard's Host/Origin
 * refusal, a request Node's parser refuses): in the door's own shape when `url` is under one
 * (its errorResponse, given a Context built from the URL and headers), else undefined.
 */
export function compatRefusal(url: string, headers: Record<string, string>, error: AppErrorShape, extraHeaders: Record<string, string> = {}): Response | undefined {
  let request: Request;
  try {
    request = new Request(url, { headers });
  } catch {
    return undefined;
  }
  const door = compatDoorOf(new URL(request.url).pathname);
  return door?.errorResponse(error, new Context<ApiEnv>(request), extraHeaders);
}

/** Every compat route, for the OpenAPI document and the known-path check (openapi.test.ts compares them with the served routes). */
export const COMPAT_ROUTES: readonly RouteDeclaration[] = DOORS.flatMap((door) => door.routes);
