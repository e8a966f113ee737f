import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { root, SCREENSHOTS, STACK_FILE, STACK_LOG, type StackInfo } from './stack-file';

const START_TIMEOUT_MS = 180_000;

/** Builds the apps (so the server serves the current web app), then starts the stack in a child process. */
export default async function globalSetup(): Promise<void> {
  mkdirSync(path.dirname(STACK_FILE), { recursive: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
  if (process.env['QIAO_E2E_SKIP_BUILD'] !== '1') {
    const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('node scripts/build.mjs failed');
  }
  rmSync(STACK_FILE, { force: true });
  const log = openSync(STACK_LOG, 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'e2e', 'web', 'support', 'stack-runner.ts')], {
    cwd: root,
    stdio: ['ignore', log, log, 'ipc'],
    env: process.env,
  });
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!existsSync(STACK_FILE)) {
    if (exited !== null || Date.now() > deadline) {
      child.kill('SIGTERM');
      const tail = readFileSync(STACK_LOG, 'utf8').split('\n').slice(-40).join('\n');
      throw new Error(`the web test stack did not start (${exited !== null ? `exit ${exited}` : 'timeout'}); ${STACK_LOG}:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  // Do not hold the runner open; the IPC channel stays, so the stack stops if the runner dies.
  child.unref();
  child.channel?.unref();
  const info = JSON.parse(readFileSync(STACK_FILE, 'utf8')) as StackInfo;
  console.log(`web test stack at ${info.serverUrl}`);
}
