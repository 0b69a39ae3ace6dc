import type { AccessEntry } from '../../../shared/schemas/sharing';
import type { AddUserInput, User } from '../../../shared/schemas/users';
import { api, unwrap } from '../lib/api';
import { toFormError, type FormError } from '../lib/field-errors';
import { queryClient, writeQuery } from '../lib/query-client';
import { queryKeys } from './query-keys';
import type { SliceCreator } from './store';

export const ROLE_LABELS: Record<User['role'], string> = { admin: 'Admin', member: 'Member' };

export const ACCESS_VIA_LABELS: Record<AccessEntry['via'], string> = {
  admin: 'Admin',
  owner: 'Owner',
  share: 'Shared',
  level: 'Sharing level',
};

/**
 * Settings → Members: adding and (de)activating members, and which access lists are open. The
 * members and each access list are queries (workspace-queries.ts), updated or invalidated here.
 */
export interface MembersSlice {
  members: {
    adding: boolean;
    addError: FormError | null;
    /** The member whose activation is being changed. */
    busyId: string | null;
    notice: string | null;
    actionError: string | null;
    /** Members whose access list is open in the table. */
    openAccess: string[];
    /** True when the member was added (the form then clears). */
    add(input: AddUserInput): Promise<boolean>;
    clearAddError(field: string): void;
    setActive(userId: string, isActive: boolean): Promise<void>;
    toggleAccess(userId: string): void;
    /** Forgets what belonged to the member acting before (open access lists, messages). */
    reset(): void;
  };
}

type State = MembersSlice['members'];

export const createMembersSlice: SliceCreator<MembersSlice> = (set, get) => {
  const patch = (partial: Partial<State>) => set((s) => ({ members: { ...s.members, ...partial } }));
  const nameOf = (user: User) => user.name || user.email;

  return {
    members: {
      adding: false,
      addError: null,
      busyId: null,
      notice: null,
      actionError: null,
      openAccess: [],
      async add(input) {
        if (get().members.adding) return false;
        patch({ adding: true, addError: null, notice: null, actionError: null });
        try {
          const user = await unwrap(api.users.add(input));
          patch({ adding: false, notice: `Added ${nameOf(user)} as ${ROLE_LABELS[user.role].toLowerCase()}` });
          await queryClient.invalidateQueries({ queryKey: queryKeys.memberList });
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
          await writeQuery<User[]>(queryKeys.memberList, (users) => users?.map((u) => (u.id === user.id ? user : u)));
          patch({ busyId: null, notice: `${nameOf(user)} ${user.isActive ? 'reactivated' : 'deactivated'}` });
          void queryClient.invalidateQueries({ queryKey: queryKeys.memberAccess(userId) });
        } catch (error) {
          patch({ busyId: null, actionError: toFormError(error).message });
          void queryClient.invalidateQueries({ queryKey: queryKeys.memberList });
        }
      },
      toggleAccess(userId) {
        const open = get().members.openAccess;
        patch({ openAccess: open.includes(userId) ? open.filter((id) => id !== userId) : [...open, userId] });
      },
      reset() {
        patch({ openAccess: [], notice: null, actionError: null, addError: null });
      },
    },
  };
};
