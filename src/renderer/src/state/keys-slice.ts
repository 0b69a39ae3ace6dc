import type { ApiKeyInfo, ApiKeyListItem, KeyScope, User } from '../../../shared/schemas/users';
import { api, unwrap } from '../lib/api';
import { toFormError, type FormError } from '../lib/field-errors';
import { localDayEnd } from '../lib/local-day';
import { queryClient, writeQuery } from '../lib/query-client';
import { queryKeys } from './query-keys';
import type { SliceCreator } from './store';

export type KeyStatus = 'active' | 'revoked' | 'expired';

export const KEY_STATUS_LABELS: Record<KeyStatus, string> = { active: 'Active', revoked: 'Revoked', expired: 'Expired' };

export const KEY_SCOPE_HINTS: Record<KeyScope, string> = {
  read: 'List and read prompts',
  run: 'Render prompts',
  write: 'Create and change prompts',
  admin: 'Manage members, sharing and keys',
};

export const DEFAULT_KEY_SCOPES: KeyScope[] = ['read', 'run'];

export interface NewKeyInput {
  label: string;
  scopes: KeyScope[];
  /** 'YYYY-MM-DD' from the date field, a local day (the key works until it ends here); empty means the key never expires. */
  expires: string;
  /** The member the key acts as; empty means the acting member. */
  userEmail: string;
}

/** A key just made: the plain key lives here only while its dialog is open. */
export interface CreatedKey {
  key: string;
  info: ApiKeyInfo;
}

/**
 * Settings → API keys: the new-key form, the created-key dialog and revoking. The keys are a query
 * (workspace-queries.ts keysQuery), updated or invalidated here.
 */
export interface KeysSlice {
  keys: {
    creating: boolean;
    createError: FormError | null;
    created: CreatedKey | null;
    /** The key waiting for "Revoke key x?" to be answered. */
    revokeTarget: string | null;
    revoking: boolean;
    notice: string | null;
    actionError: string | null;
    /** True when the key was made (its dialog then shows it once). */
    create(input: NewKeyInput): Promise<boolean>;
    clearCreateError(field: string): void;
    /** Closes the "API key created" dialog and forgets the plain key. */
    dismissCreated(): void;
    requestRevoke(keyId: string): void;
    cancelRevoke(): void;
    confirmRevoke(): Promise<void>;
    /** Forgets what belonged to the member acting before. */
    reset(): void;
  };
}

type State = KeysSlice['keys'];

export function keyStatus(key: Pick<ApiKeyInfo, 'revokedAt' | 'expiresAt'>, now: number = Date.now()): KeyStatus {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && Date.parse(key.expiresAt) <= now) return 'expired';
  return 'active';
}

/** "pd_AbC1…": enough to recognise a key without showing its whole lookup prefix. */
export function shortPrefix(prefix: string): string {
  return prefix.length > 7 ? `${prefix.slice(0, 7)}…` : prefix;
}

/** The member select in the new-key form: admins may make keys for any active member. */
export function keyOwnerChoices(me: User | undefined, users: User[]): { value: string; label: string }[] | null {
  if (!me || me.role !== 'admin') return null;
  const others = users.filter((u) => u.isActive && u.id !== me.id);
  return [{ value: me.email, label: `${me.name || me.email} (you)` }, ...others.map((u) => ({ value: u.email, label: u.name || u.email }))];
}

/** The key waiting for "Revoke key x?" among `items` (null when none waits or it is gone). */
export function revokeTargetKey(items: readonly ApiKeyListItem[], revokeTarget: string | null): ApiKeyListItem | null {
  return items.find((k) => k.id === revokeTarget) ?? null;
}

const keysNow = () => queryClient.getQueryData<ApiKeyListItem[]>(queryKeys.keys) ?? [];
const reloadKeys = () => queryClient.invalidateQueries({ queryKey: queryKeys.keys });

export const createKeysSlice: SliceCreator<KeysSlice> = (set, get) => {
  const patch = (partial: Partial<State>) => set((s) => ({ keys: { ...s.keys, ...partial } }));

  return {
    keys: {
      creating: false,
      createError: null,
      created: null,
      revokeTarget: null,
      revoking: false,
      notice: null,
      actionError: null,
      async create(input) {
        if (get().keys.creating) return false;
        const userEmail = input.userEmail || get().session.info?.currentUser.email || '';
        patch({ creating: true, createError: null, notice: null, actionError: null });
        try {
          // The user's own calendar day, as the Logs and History filters read theirs (lib/local-day.ts); the API reads a bare date as a UTC day.
          const expiresAt = input.expires === '' ? null : (localDayEnd(input.expires) ?? input.expires);
          const created = await unwrap(api.keys.create({ userEmail, label: input.label, scopes: input.scopes, expiresAt }));
          patch({ creating: false, created, notice: `Created key ${created.info.label}` });
          void reloadKeys();
          return true;
        } catch (error) {
          patch({ creating: false, createError: toFormError(error) });
          return false;
        }
      },
      clearCreateError(field) {
        const { createError } = get().keys;
        if (createError && (createError.field === undefined || createError.field === field || createError.field.startsWith(`${field}.`))) {
          patch({ createError: null });
        }
      },
      dismissCreated() {
        patch({ created: null });
      },
      requestRevoke(keyId) {
        patch({ revokeTarget: keyId, actionError: null });
      },
      cancelRevoke() {
        if (!get().keys.revoking) patch({ revokeTarget: null });
      },
      async confirmRevoke() {
        const { revokeTarget, revoking } = get().keys;
        if (!revokeTarget || revoking) return;
        const label = keysNow().find((k) => k.id === revokeTarget)?.label ?? 'key';
        patch({ revoking: true, notice: null, actionError: null });
        try {
          const info = await unwrap(api.keys.revoke({ keyId: revokeTarget }));
          await writeQuery<ApiKeyListItem[]>(queryKeys.keys, (items) => items?.map((k) => (k.id === info.id ? { ...k, ...info } : k)));
          patch({ revoking: false, revokeTarget: null, notice: `Revoked key ${label}` });
        } catch (error) {
          patch({ revoking: false, revokeTarget: null, actionError: toFormError(error).message });
          void reloadKeys();
        }
      },
      reset() {
        patch({ created: null, createError: null, revokeTarget: null, notice: null, actionError: null });
      },
    },
  };
};
