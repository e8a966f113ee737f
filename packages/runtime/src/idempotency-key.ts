/** The key a step's side effects carry: the same on every try of that step in that run. */
export function idempotencyKey(runId: string, nodeId: string): string {
  return `${runId}:${nodeId}`;
}
