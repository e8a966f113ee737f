import type { ExecutionPlan } from '@qiao/flow';
import { backoffDelay } from './backoff';
import type { RunCommand, RunEvent } from './events';
import { TERMINAL_STEP, type RunState, type StepState } from './state';

export interface AdvanceResult {
  state: RunState;
  commands: RunCommand[];
}

export interface AdvanceOptions {
  plan: ExecutionPlan;
  state: RunState;
  event: RunEvent;
  random?: () => number;
}

/**
 * The run state machine: pure, synchronous, no I/O. The runtime persists `state` and carries out
 * `commands`; because the same inputs always give the same outputs, replaying an event after a
 * crash is safe as long as the runtime applies the result idempotently.
 */
export function advance({ plan, state, event, random = Math.random }: AdvanceOptions): AdvanceResult {
  const steps: Record<string, StepState> = { ...state.steps };
  const next: RunState = { status: state.status, steps };
  const commands: RunCommand[] = [];
  if (state.status === 'cancelled' || state.status === 'succeeded') return { state, commands };

  switch (event.type) {
    case 'run.started': {
      next.status = 'running';
      for (const nodeId of plan.entryNodes) {
        if (!steps[nodeId]) {
          steps[nodeId] = { status: 'pending', attempt: 0 };
          commands.push({ type: 'execute', nodeId, attempt: 1, delayMs: 0 });
        }
      }
      break;
    }
    case 'step.started': {
      next.status = state.status === 'pending' ? 'running' : state.status;
      steps[event.nodeId] = { status: 'running', attempt: event.attempt };
      break;
    }
    case 'step.succeeded': {
      const prev = steps[event.nodeId];
      steps[event.nodeId] = { status: 'succeeded', attempt: prev?.attempt ?? 1, edges: event.edges };
      propagate({ plan, steps, from: event.nodeId, commands });
      break;
    }
    case 'step.failed': {
      const node = plan.nodes[event.nodeId];
      const prev = steps[event.nodeId];
      const attempt = prev?.attempt ?? 1;
      if (node && event.retryable && attempt < node.retry.maxAttempts) {
        steps[event.nodeId] = { status: 'retrying', attempt };
        const delay = Math.max(backoffDelay(node.retry, attempt + 1, random), event.retryAfterMs ?? 0);
        commands.push({ type: 'execute', nodeId: event.nodeId, attempt: attempt + 1, delayMs: delay });
      } else {
        steps[event.nodeId] = { status: 'failed', attempt };
        next.status = 'needs_attention';
        commands.push({ type: 'needs_attention', nodeId: event.nodeId });
      }
      break;
    }
    case 'run.cancelled': {
      next.status = 'cancelled';
      return { state: next, commands };
    }
  }

  if (next.status === 'running' && plan.order.every((id) => isTerminal(steps[id]))) {
    next.status = 'succeeded';
    commands.push({ type: 'complete' });
  }
  return { state: next, commands };
}

function isTerminal(step: StepState | undefined): boolean {
  return step !== undefined && TERMINAL_STEP.has(step.status);
}

interface PropagateArgs {
  plan: ExecutionPlan;
  steps: Record<string, StepState>;
  from: string;
  commands: RunCommand[];
}

/**
 * After a node resolves, decide each downstream node whose inputs are now all resolved:
 * it runs when at least one incoming edge was taken, otherwise it is skipped (and that skip
 * propagates further, so branches not chosen by a condition do not hold the run open).
 */
function propagate({ plan, steps, from, commands }: PropagateArgs): void {
  const queue = [from];
  while (queue.length > 0) {
    const current = queue.shift();
    const node = current === undefined ? undefined : plan.nodes[current];
    if (!node) continue;
    for (const edgeId of node.outgoing) {
      const edge = plan.edges.find((e) => e.id === edgeId);
      if (!edge || steps[edge.target]) continue;
      const target = plan.nodes[edge.target];
      if (!target) continue;
      const incoming = target.incoming.map((id) => plan.edges.find((e) => e.id === id));
      if (!incoming.every((e) => e && isTerminal(steps[e.source]))) continue;
      const taken = incoming.some((e) => e && edgeTaken(steps[e.source], e.id));
      if (taken) {
        steps[edge.target] = { status: 'pending', attempt: 0 };
        commands.push({ type: 'execute', nodeId: edge.target, attempt: 1, delayMs: 0 });
      } else {
        steps[edge.target] = { status: 'skipped', attempt: 0 };
        queue.push(edge.target);
      }
    }
  }
}

function edgeTaken(source: StepState | undefined, edgeId: string): boolean {
  if (!source || source.status !== 'succeeded') return false;
  return source.edges?.[edgeId] !== false;
}
