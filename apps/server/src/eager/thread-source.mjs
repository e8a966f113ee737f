// Starts the executor thread from TypeScript source (development and tests): a worker thread's entry
// is loaded before an --import hook could apply, so the thread registers tsx itself, then loads it.
import { register } from 'tsx/esm/api';

register();
await import('./thread-main.ts');
