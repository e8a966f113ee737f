import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { isListening, waitFor } from './ports';

export interface RunningRedis {
  url: string;
  /** Started by us (and stopped by us), or found already running. */
  owned: boolean;
  stop(): Promise<void>;
}

/**
 * Redis cannot be embedded from npm, so: use the one on 127.0.0.1:6379 if it answers, else start
 * Debian's redis-server from PATH with its data (AOF) under .data/redis, else say how to install it.
 */
export async function ensureRedis(dataDir: string, port: number, options: { defaultPort?: number } = {}): Promise<RunningRedis> {
  const defaultPort = options.defaultPort ?? 6379;
  if (await isListening(defaultPort)) return { url: `redis://127.0.0.1:${defaultPort}`, owned: false, stop: async () => undefined };
  if (await isListening(port)) return { url: `redis://127.0.0.1:${port}`, owned: false, stop: async () => undefined };
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (found.error || found.status !== 0) {
    throw new Error(
      'No Redis answers on 127.0.0.1:6379 and redis-server is not installed.\n' +
        '  Debian/Ubuntu: sudo apt-get install redis-server\n' +
        '  macOS:         brew install redis\n' +
        '  Or set REDIS_URL=redis://host:port to use an existing Redis.',
    );
  }
  const dir = path.join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const child: ChildProcess = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--appendonly', 'yes', '--save', '60 1'], { stdio: 'ignore' });
  await waitFor(() => isListening(port), `redis-server on port ${port}`, 10_000);
  return {
    url: `redis://127.0.0.1:${port}`,
    owned: true,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
