import { describe, expect, it } from 'vitest';
import type { ExecutionPlan } from '@qiao/flow';
import { advance } from './advance';
import { backoffDelay } from './backoff';
import type { RunState } from './state';

const retry = { maxAttempts: 3, initialDelayMs: 1000, maxDelayMs: 60_000, multiplier: 2 };

/** a → (b | c) → d, with a condition on a→c. */
function diamond(): ExecutionPlan {
  const node = (id: string, incoming: string[], outgoing: string[], upstream: string[]) => ({
    id, type: 't.x', name: id, parameters: {}, retry, timeoutMs: 1000, incoming, outgoing, upstream,
  });
  return {
    planVersion: 1,
    schemaVersion: 1,
    trigger: { eventType: 'x' },
    nodes: {
      a: node('a', [], ['ab', 'ac'], []),
      b: node('b', ['ab'], ['bd'], ['a']),
      c: node('c', ['ac'], ['cd'], ['a']),
      d: node('d', ['bd', 'cd'], [], ['a', 'b', 'c']),
    },
    order: ['a', 'b', 'c', 'd'],
    entryNodes: ['a'],
    edges: [
      { id: 'ab', source: 'a', target: 'b' },
      { id: 'ac', source: 'a', target: 'c', condition: 'false' },
      { id: 'bd', source: 'b', target: 'd' },
      { id: 'cd', source: 'c', target: 'd' },
    ],
  } as ExecutionPlan;
}

const start: RunState = { status: 'pending', steps: {} };

describe('advance', () => {
  it('starts the entry nodes', () => {
    const r = advance({ plan: diamond(), state: start, event: { type: 'run.started' } });
    expect(r.state.status).toBe('running');
    expect(r.commands).toEqual([{ type: 'execute', nodeId: 'a', attempt: 1, delayMs: 0 }]);
  });

  it('runs both branches when both edges are taken and joins once', () => {
    const plan = diamond();
    let s = advance({ plan, state: start, event: { type: 'run.started' } }).state;
    s = advance({ plan, state: s, event: { type: 'step.started', nodeId: 'a', attempt: 1 } }).state;
    const afterA = advance({ plan, state: s, event: { type: 'step.succeeded', nodeId: 'a', edges: { ac: true } } });
    expect(afterA.commands.map((c) => c.type === 'execute' && c.nodeId)).toEqual(['b', 'c']);
    s = advance({ plan, state: afterA.state, event: { type: 'step.succeeded', nodeId: 'b', edges: {} } }).state;
    expect(s.steps['d']).toBeUndefined(); // c still open: the join waits
    const afterC = advance({ plan, state: s, event: { type: 'step.succeeded', nodeId: 'c', edges: {} } });
    expect(afterC.commands).toEqual([{ type: 'execute', nodeId: 'd', attempt: 1, delayMs: 0 }]);
    const done = advance({ plan, state: afterC.state, event: { type: 'step.succeeded', nodeId: 'd', edges: {} } });
    expect(done.state.status).toBe('succeeded');
    expect(done.commands).toEqual([{ type: 'complete' }]);
  });

  it('skips a branch whose condition was false and still completes', () => {
    const plan = diamond();
    let s = advance({ plan, state: start, event: { type: 'run.started' } }).state;
    const afterA = advance({ plan, state: s, event: { type: 'step.succeeded', nodeId: 'a', edges: { ac: false } } });
    expect(afterA.state.steps['c']?.status).toBe('skipped');
    expect(afterA.commands).toEqual([{ type: 'execute', nodeId: 'b', attempt: 1, delayMs: 0 }]);
    s = advance({ plan, state: afterA.state, event: { type: 'step.succeeded', nodeId: 'b', edges: {} } }).state;
    expect(s.steps['d']?.status).toBe('pending');
  });

  it('skips the join when no incoming edge is taken', () => {
    const plan = diamond();
    plan.edges = plan.edges.map((e) => (e.id === 'ab' ? { ...e, condition: 'false' } : e));
    const s = advance({ plan, state: start, event: { type: 'run.started' } }).state;
    const r = advance({ plan, state: s, event: { type: 'step.succeeded', nodeId: 'a', edges: { ab: false, ac: false } } });
    expect(r.state.steps['d']?.status).toBe('skipped');
    expect(r.state.status).toBe('succeeded');
  });

  it('retries a retryable failure with backoff, then needs attention when exhausted', () => {
    const plan = diamond();
    let s = advance({ plan, state: start, event: { type: 'run.started' } }).state;
    s = advance({ plan, state: s, event: { type: 'step.started', nodeId: 'a', attempt: 1 } }).state;
    const r1 = advance({ plan, state: s, event: { type: 'step.failed', nodeId: 'a', retryable: true }, random: () => 0 });
    expect(r1.commands).toEqual([{ type: 'execute', nodeId: 'a', attempt: 2, delayMs: 500 }]);
    s = advance({ plan, state: r1.state, event: { type: 'step.started', nodeId: 'a', attempt: 3 } }).state;
    const r3 = advance({ plan, state: s, event: { type: 'step.failed', nodeId: 'a', retryable: true } });
    expect(r3.state.status).toBe('needs_attention');
    expect(r3.commands).toEqual([{ type: 'needs_attention', nodeId: 'a' }]);
  });

  it('does not retry a non-retryable failure and honours retry-after', () => {
    const plan = diamond();
    let s = advance({ plan, state: start, event: { type: 'run.started' } }).state;
    s = advance({ plan, state: s, event: { type: 'step.started', nodeId: 'a', attempt: 1 } }).state;
    expect(advance({ plan, state: s, event: { type: 'step.failed', nodeId: 'a', retryable: false } }).state.status).toBe('needs_attention');
    const r = advance({ plan, state: s, event: { type: 'step.failed', nodeId: 'a', retryable: true, retryAfterMs: 9000 }, random: () => 1 });
    expect(r.commands[0]).toMatchObject({ attempt: 2, delayMs: 9000 });
  });

  it('ignores events on a finished or cancelled run', () => {
    const plan = diamond();
    const cancelled = advance({ plan, state: start, event: { type: 'run.cancelled' } }).state;
    expect(advance({ plan, state: cancelled, event: { type: 'run.started' } }).commands).toEqual([]);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially, is capped and jittered within [half, full]', () => {
    const p = { maxAttempts: 10, initialDelayMs: 1000, maxDelayMs: 5000, multiplier: 2 };
    expect(backoffDelay(p, 2, () => 1)).toBe(1000);
    expect(backoffDelay(p, 3, () => 1)).toBe(2000);
    expect(backoffDelay(p, 3, () => 0)).toBe(1000);
    expect(backoffDelay(p, 9, () => 1)).toBe(5000);
  });
});
