import type { AccessEntry } from '../../../shared/schemas/sharing';
import type { AddUserInput, User } from '../../../shared/schemas/users';
import { api, unwrap } from '../lib/api';
import { toFormError, type FormError } from '../lib/field-errors';
import type { SliceCreator } from './store';

type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface MemberAccess {
  status: LoadStatus;
  entries: AccessEntry[];
  error: string | null;
}

export const ROLE_LABELS: Record<User['role'], string> = { admin: 'Admin', member: 'Member' };

export const ACCESS_VIA_LABELS: Record<AccessEntry['via'], string> = {
  admin: 'Admin',
  owner: 'Owner',
  share: 'Shared',
  level: 'Sharing level',
};

export interface MembersSlice {
  members: {
    users: User[];
    status: LoadStatus;
    error: string | null;
    adding: boolean;
    addError: FormError | null;
    /** The member whose activation is being changed. */
    busyId: string | null;
    notice: string | null;
    actionError: string | null;
    /** Access lists opened in the table, by member id. */
    access: Record<string, MemberAccess>;
    load(): Promise<void>;
    /** True when the member was added (the form then clears). */
    add(input: AddUserInput): Promise<boolean>;
    clearAddError(field: string): void;
    setActive(userId: string, isActive: boolean): Promise<void>;
    toggleAccess(userId: string): void;
    loadAccess(userId: string): Promise<void>;
    /** Forgets what belonged to the member acting before (open access lists, messages). */
    reset(): void;
  };
}

type State = MembersSlice['members'];

let latestLoad = 0;

export const createMembersSlice: SliceCreator<MembersSlice> = (set, get) => {
  const patch = (partial: Partial<State>) => set((s) => ({ members: { ...s.members, ...partial } }));
  const patchAccess = (userId: string, access: MemberAccess | null) => {
    const next = { ...get().members.access };
    if (access) next[userId] = access;
    else delete next[userId];
    patch({ access: next });
  };
  const nameOf = (user: User) => user.name || user.email;

  return {
    members: {
      users: [],
      status: 'idle',
      error: null,
      adding: false,
      addError: null,
      busyId: null,
      notice: null,
      actionError: null,
      access: {},
      async load() {
        const request = ++latestLoad;
        patch({ status: get().members.users.length ? 'ready' : 'loading', error: null });
        try {
          const users = await unwrap(api.users.list());
          if (request !== latestLoad) return;
          patch({ users, status: 'ready' });
        } catch (error) {
          if (request !== latestLoad) return;
          patch({ status: 'error', error: toFormError(error).message });
        }
      },
      async add(input) {
        if (get().members.adding) return false;
        patch({ adding: true, addError: null, notice: null, actionError: null });
        try {
          const user = await unwrap(api.users.add(input));
          patch({ adding: false, notice: `Added ${nameOf(user)} as ${ROLE_LABELS[user.role].toLowerCase()}` });
          await get().members.load();
          return true;
        } catch (error) {
          patch({ adding: false, addError: toFormError(error) });
          return false;
        }
      },
      clearAddError(field) {
        const { addError } = get().members;
        if (addError && (addError.field === field || addError.field === undefined)) patch({ addError: null });
      },
      async setActive(userId, isActive) {
        if (get().members.busyId) return;
        patch({ busyId: userId, notice: null, actionError: null });
        try {
          const user = await unwrap(api.users.setActive({ userId, isActive }));
          patch({
            busyId: null,
            users: get().members.users.map((u) => (u.id === user.id ? user : u)),
            notice: `${nameOf(user)} ${user.isActive ? 'reactivated' : 'deactivated'}`,
          });
          if (get().members.access[userId]) void get().members.loadAccess(userId);
        } catch (error) {
          patch({ busyId: null, actionError: toFormError(error).message });
          void get().members.load();
        }
      },
      toggleAccess(userId) {
        if (get().members.access[userId]) patchAccess(userId, null);
        else void get().members.loadAccess(userId);
      },
      async loadAccess(userId) {
        const previous = get().members.access[userId];
        patchAccess(userId, { status: previous?.status === 'ready' ? 'ready' : 'loading', entries: previous?.entries ?? [], error: null });
        try {
          const entries = await unwrap(api.users.access({ userId }));
          // Closed while loading: stay closed.
          if (!get().members.access[userId]) return;
          patchAccess(userId, { status: 'ready', entries, error: null });
        } catch (error) {
          if (!get().members.access[userId]) return;
          patchAccess(userId, { status: 'error', entries: [], error: toFormError(error).message });
        }
      },
      reset() {
        patch({ access: {}, notice: null, actionError: null, addError: null });
      },
    },
  };
};
