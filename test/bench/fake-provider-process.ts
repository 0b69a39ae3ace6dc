// The fake model provider in a process of its own, for bench:runs: prints its URL, then serves
// until SIGTERM. Keeping it apart stops it from sharing the Promptdesk server's event loop.
import { startFakeProvider } from '../helpers/fake-provider';

void startFakeProvider({ models: ['echo'] }).then((provider) => {
  process.stdout.write(`${provider.url}\n`);
  process.once('SIGTERM', () => void provider.close().then(() => process.exit(0)));
});
