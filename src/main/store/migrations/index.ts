import type { Migration } from './types';
import { initial } from './0010-initial';

/** Every migration in order. Append only: never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [initial];

export type { Migration };
