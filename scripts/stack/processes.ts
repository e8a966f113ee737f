import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import readline from 'node:readline';

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export interface LaunchOptions {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** 'inherit' prefixes each line with the process name on this terminal; a path appends to that file. */
  output: 'inherit' | string;
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export function launch(options: LaunchOptions): ManagedProcess {
  const child = spawn(options.command, options.args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let file: WriteStream | undefined;
  if (options.output !== 'inherit') file = createWriteStream(options.output, { flags: 'a' });
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    const lines = readline.createInterface({ input: stream });
    lines.on('line', (line) => {
      const text = `[${options.name}] ${line}\n`;
      if (file) file.write(text);
      else process.stdout.write(text);
    });
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      options.onExit?.(code, signal);
      file?.end();
      resolve(code);
    });
  });
  return {
    name: options.name,
    child,
    exited,
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
