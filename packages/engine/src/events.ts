/** Facts reported to the engine by the runtime. */
export type RunEvent =
  | { type: 'run.started' }
  | { type: 'step.started'; nodeId: string; attempt: number }
  | { type: 'step.succeeded'; nodeId: string; edges: Record<string, boolean> }
  | { type: 'step.failed'; nodeId: string; retryable: boolean; retryAfterMs?: number }
  | { type: 'run.cancelled' };

/** What the runtime must carry out after a transition, in order. */
export type RunCommand =
  | { type: 'execute'; nodeId: string; attempt: number; delayMs: number }
  | { type: 'complete' }
  | { type: 'needs_attention'; nodeId: string };
