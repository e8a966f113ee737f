// The ERP-like sink in a process of its own, so the documents the flows deliver do not share the
// load generator's event loop and skew the accept latencies it measures. Prints its URL; answers
// "stats" over IPC with the documents received and the duplicates.
import { startSink } from '../throughput/sink';

const sink = await startSink();
process.on('message', (message) => {
  if (message === 'stats') process.send?.({ received: sink.received, duplicates: sink.duplicates });
});
process.on('disconnect', () => void sink.close().then(() => process.exit(0)));
process.send?.({ url: sink.url });
