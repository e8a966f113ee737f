import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '../../..');
/** Where the global setup leaves the running stack's address and key for the tests. */
export const STACK_FILE = path.join(root, 'test-results', 'web-stack.json');
export const STACK_LOG = path.join(root, 'test-results', 'web-stack.log');
export const SCREENSHOTS = path.join(root, 'test-results', 'web-screens');

export interface StackInfo {
  serverUrl: string;
  erpSimUrl: string;
  apiKey: string;
  logDir: string;
  pid: number;
}
