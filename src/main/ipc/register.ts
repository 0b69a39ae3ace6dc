import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { CHANNELS } from '../core/channel-map';
import { dispatch, type createHandlers } from '../core/handlers';
import type { Ctx } from '../core/context';

/** True only for our own renderer: compared by parsed origin/protocol, never by substring. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>, trustedUrl: string): boolean {
  const frameUrl = event.senderFrame?.url;
  if (!frameUrl) return false;
  try {
    const actual = new URL(frameUrl);
    const trusted = new URL(trustedUrl);
    if (trusted.protocol === 'file:') return actual.protocol === 'file:' && actual.pathname === trusted.pathname;
    return actual.origin === trusted.origin;
  } catch {
    return false;
  }
}

/** One `ipcMain.handle` per contract channel; each checks the sender, parses input, calls the service. */
export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle'>,
  handlers: ReturnType<typeof createHandlers>,
  opts: { context: () => Ctx; trustedUrl: () => string },
): void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, (event, input: unknown) => {
      if (!isTrustedSender(event, opts.trustedUrl())) {
        return { ok: false, error: { code: 'forbidden', message: 'Call from an untrusted frame' } };
      }
      return dispatch(handlers, opts.context(), channel, input);
    });
  }
}
