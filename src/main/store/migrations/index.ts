import type { Migration } from './types';
import { initial } from './0010-initial';
import { versionsLifecycle } from './0020-versions-lifecycle';
import { sharing } from './0030-sharing';

/** Every migration in order. Append only: never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [initial, versionsLifecycle, sharing];

export type { Migration };
