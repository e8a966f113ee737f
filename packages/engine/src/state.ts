/** A step as the engine sees it; absent from `steps` means "not reached yet". */
export type StepStatus = 'pending' | 'running' | 'retrying' | 'succeeded' | 'failed' | 'skipped';
export type RunStatus = 'pending' | 'running' | 'succeeded' | 'needs_attention' | 'cancelled';

export interface StepState {
  status: StepStatus;
  /** 1-based number of the current (or last) try. 0 until first started. */
  attempt: number;
  /** Outcome of each outgoing edge's condition, recorded when the step succeeded. */
  edges?: Record<string, boolean>;
}

export interface RunState {
  status: RunStatus;
  steps: Record<string, StepState>;
}

export const TERMINAL_STEP: ReadonlySet<StepStatus> = new Set(['succeeded', 'skipped']);
