// The suite's OTLP/HTTP receiver in a process of its own, for bench:otel: prints its URL, then
// counts spans (printed on each line read from stdin) until SIGTERM, so decoding the exports does
// not share the event loop or heap being measured.
import { createInterface } from 'node:readline';
import { startOtlpReceiver } from '../helpers/otlp-receiver';

void startOtlpReceiver(0, { keep: false }).then((receiver) => {
  process.stdout.write(`${receiver.url}\n`);
  createInterface({ input: process.stdin }).on('line', () => process.stdout.write(`spans ${receiver.spanCount()}\n`));
  process.once('SIGTERM', () => void receiver.close().then(() => process.exit(0)));
});
