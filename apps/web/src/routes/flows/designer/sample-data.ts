import { createContext, useContext } from 'react';

/** What one node did in the latest test run of the draft (or in a pinned single-node run). */
export interface NodeSample {
  status: 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';
  input?: unknown;
  output?: unknown;
  error?: { code?: string; message: string };
  durationMs?: number;
}

/**
 * Real data known to the designer: the flow's pinned sample event and, per node id, the latest
 * test-run result. Expressions see `{ event, steps }` at run time (see @qiao/runtime's
 * expressionContext), so previews evaluate against `{ event, steps: { <nodeId>: output } }`.
 */
export interface SampleData {
  event: unknown;
  nodes: Readonly<Record<string, NodeSample>>;
}

export const emptySampleData: SampleData = { event: undefined, nodes: {} };

export const SampleDataContext = createContext<SampleData>(emptySampleData);

export function useSampleData(): SampleData {
  return useContext(SampleDataContext);
}

/** The JSONata input a preview evaluates against, shaped like the runtime's. */
export function previewInput(sample: SampleData): { event: unknown; steps: Record<string, unknown> } {
  const steps: Record<string, unknown> = {};
  for (const [nodeId, node] of Object.entries(sample.nodes)) if (node.output !== undefined) steps[nodeId] = node.output;
  return { event: sample.event, steps };
}
