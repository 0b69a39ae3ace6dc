import { channel, NoInput } from './channel';
import { ConfigureApiInput } from '../../shared/schemas/app';
import { SwitchMemberInput } from '../../shared/schemas/session';
import { STORAGE_CHANNELS } from './storage/storage-channels';

/** The host's own channels (app info, the API server switch, the member switch): their handlers call the host (Electron shell or headless), passed as the third argument. */
export const HOST_CHANNELS = {
  'app:info': channel(NoInput, (ctx, _input, host) => host.appInfo(ctx)),
  'api:configure': channel(ConfigureApiInput, (ctx, input, host) => host.configureApi(ctx, input)),
  'session:switch': channel(SwitchMemberInput, (ctx, input, host) => host.switchMember(ctx, input)),
  ...STORAGE_CHANNELS,
};
