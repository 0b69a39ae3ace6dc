import { channel, NoInput } from '../channel';
import { accessForUser } from '../sharing/access-report';
import { addUser, listUsers, searchUsers, setUserActive } from './users-service';
import { AddUserInput, SearchUsersInput, SetUserActiveInput, UserRefInput } from '../../../shared/schemas/users';

/** The users area's contract channels: each one's input schema, handler and (inferred) output, declared once. */
export const USERS_CHANNELS = {
  'users:list': channel(NoInput, (ctx) => listUsers(ctx)),
  'users:add': channel(AddUserInput, (ctx, input) => addUser(ctx, input)),
  'users:set-active': channel(SetUserActiveInput, (ctx, input) => setUserActive(ctx, input.userId, input.isActive)),
  'users:search': channel(SearchUsersInput, (ctx, input) => searchUsers(ctx, input.query)),
  'users:access': channel(UserRefInput, (ctx, input) => accessForUser(ctx, input.userId)),
};
