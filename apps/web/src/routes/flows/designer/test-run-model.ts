/**
 * Pure helpers behind the designer's test runs: the sample event as typed and as expressions see
 * it, a test run's steps as per-node samples, and the ancestors a single-node run needs data from.
 */
import type { NodeSample, SampleData } from './sample-data';

export const TEST_RUN_SOURCE = 'qiao:test-run';

/** What a designer types: the event's subject, time and data (id, source and type are set by the test run). */
export interface SampleEventInput {
  subject?: string | null;
  time?: string | null;
  data: unknown;
  [key: string]: unknown;
}

export type ParsedSample = { ok: true; sample: SampleEventInput } | { ok: false; error: 'json' | 'notObject' | 'noData'; detail?: string };

export const SAMPLE_TEMPLATE = '{\n  "subject": "SO-0001",\n  "data": {\n    "orderNo": "SO-0001"\n  }\n}';

/** Parses the sample editor's text; says what is wrong in a way the UI can translate. */
export function parseSample(text: string): ParsedSample {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: 'json', detail: err instanceof Error ? err.message : String(err) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: 'notObject' };
  if (!('data' in value)) return { ok: false, error: 'noData' };
  return { ok: true, sample: value as SampleEventInput };
}

export function sampleText(sample: unknown): string {
  return sample === null || sample === undefined ? SAMPLE_TEMPLATE : JSON.stringify(sample, null, 2);
}

/** The event as a test run's expressions see it (`event.*`). */
export function sampleAsEvent(sample: SampleEventInput | null | undefined, eventType: string): unknown {
  if (!sample) return undefined;
  return { id: 'sample', source: TEST_RUN_SOURCE, type: eventType, subject: sample.subject ?? null, time: sample.time ?? null, data: sample.data };
}

export interface TestRunStep {
  nodeId: string;
  status: 'pending' | 'running' | 'retrying' | 'succeeded' | 'failed' | 'skipped';
  input: unknown;
  output: unknown;
  error: unknown;
  durationMs: number | null;
}

function errorOf(error: unknown): NodeSample['error'] {
  if (error === null || error === undefined) return undefined;
  if (typeof error === 'object' && 'message' in error) {
    const e = error as { message: unknown; code?: unknown };
    return { message: String(e.message), ...(typeof e.code === 'string' ? { code: e.code } : {}) };
  }
  return { message: String(error) };
}

/** One node's part of a test run, in the shape the designer shares (a retrying step counts as running). */
export function stepToSample(step: TestRunStep): NodeSample {
  const status: NodeSample['status'] = step.status === 'retrying' ? 'running' : step.status;
  const error = errorOf(step.error);
  return {
    status,
    ...(step.input === null || step.input === undefined ? {} : { input: step.input }),
    ...(step.status === 'succeeded' ? { output: step.output } : {}),
    ...(error ? { error } : {}),
    ...(step.durationMs === null ? {} : { durationMs: step.durationMs }),
  };
}

/** Samples by node: the latest test run's steps, with later single-node runs taking precedence. */
export function mergeSamples(steps: readonly TestRunStep[], singles: Readonly<Record<string, NodeSample>>): Record<string, NodeSample> {
  const out: Record<string, NodeSample> = {};
  for (const step of steps) out[step.nodeId] = stepToSample(step);
  return { ...out, ...singles };
}

export function buildSampleData(event: unknown, nodes: Record<string, NodeSample>): SampleData {
  return { event, nodes };
}

/** Every node the given one can read outputs from (its ancestors), nearest first. */
export function ancestorsOf(nodeId: string, edges: readonly { source: string; target: string }[]): string[] {
  const incoming = new Map<string, string[]>();
  for (const e of edges) incoming.set(e.target, [...(incoming.get(e.target) ?? []), e.source]);
  const seen = new Set<string>();
  const queue = [...(incoming.get(nodeId) ?? [])];
  const out: string[] = [];
  while (queue.length > 0) {
    const id = queue.shift() ?? '';
    if (seen.has(id) || id === nodeId) continue;
    seen.add(id);
    out.push(id);
    queue.push(...(incoming.get(id) ?? []));
  }
  return out;
}

/** The pinned upstream data a single-node run starts from: each ancestor's output in the latest results. */
export function upstreamData(nodeId: string, edges: readonly { source: string; target: string }[], nodes: Readonly<Record<string, NodeSample>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const id of ancestorsOf(nodeId, edges)) {
    const output = nodes[id]?.output;
    out[id] = output === undefined ? null : output;
  }
  return out;
}

export const ACTIVE_RUN = new Set(['pending', 'running']);
