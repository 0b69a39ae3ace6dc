import type { Hono } from 'hono';
import type { ApiEnv } from '../env';
import type { Operation } from '../openapi';
import type { CompatDoor } from './door';
import { conductorDoor } from './conductor';
import { openWebUiDoor } from './openwebui';
import { respanDoor } from './respan';

const DOORS: readonly CompatDoor[] = [conductorDoor, openWebUiDoor, respanDoor];

export function mountCompat(app: Hono<ApiEnv>): void {
  for (const door of DOORS) app.route(door.prefix, door.routes);
}

/** The compat door a request path is under (its errors then take that product's shape), if any. */
export function compatDoorOf(pathname: string): CompatDoor | undefined {
  return DOORS.find((door) => pathname === door.prefix || pathname.startsWith(`${door.prefix}/`));
}

export const COMPAT_OPERATIONS: Operation[] = DOORS.flatMap((door) => door.operations);
