import { existsSync, readFileSync } from 'node:fs';
import { STACK_FILE, type StackInfo } from './stack-file';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Asks the stack process to dispose of the stack (processes, database, Redis keys) and waits for it. */
export default async function globalTeardown(): Promise<void> {
  if (!existsSync(STACK_FILE)) return;
  const { pid } = JSON.parse(readFileSync(STACK_FILE, 'utf8')) as StackInfo;
  if (!alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 90_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (alive(pid)) {
    console.error(`the web test stack (pid ${pid}) did not stop in 90 s; killing it`);
    process.kill(pid, 'SIGKILL');
  }
}
