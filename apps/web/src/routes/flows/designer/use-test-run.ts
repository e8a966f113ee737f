import { useQuery } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { trpc, type RouterOutputs } from '../../../trpc';
import type { NodeSample, SampleData } from './sample-data';
import { ACTIVE_RUN, buildSampleData, mergeSamples, parseSample, sampleAsEvent, type SampleEventInput, type TestRunStep } from './test-run-model';

export type LatestTestRun = NonNullable<RouterOutputs['testRuns']['latest']>;

/** How often a test run in progress is polled; the canvas updates at this pace. */
const POLL_MS = 1000;

export const testRunKey = (flowId: string) => ['testRuns', 'latest', flowId] as const;

function asSample(value: unknown): SampleEventInput | null {
  if (value === null || value === undefined) return null;
  const parsed = parseSample(JSON.stringify(value));
  return parsed.ok ? parsed.sample : null;
}

/**
 * The designer's test-run state: the pinned sample event (shared through the server), the latest
 * test run (polled while it runs) and single-node results, merged into the SampleData the canvas,
 * the mapping tree and expression previews read.
 */
export function useTestRun(args: { flowId: string; pinnedOnServer: unknown; eventType: string }) {
  const { flowId, eventType } = args;
  const [pinnedLocal, setPinnedLocal] = useState<{ value: SampleEventInput | null } | null>(null);
  const fromServer = useMemo(() => asSample(args.pinnedOnServer), [args.pinnedOnServer]);
  const pinned = pinnedLocal ? pinnedLocal.value : fromServer;
  const [singles, setSingles] = useState<Record<string, NodeSample>>({});

  const latest = useQuery({
    queryKey: testRunKey(flowId),
    queryFn: () => trpc.testRuns.latest.query({ flowId }),
    refetchInterval: (query) => (query.state.data && ACTIVE_RUN.has(query.state.data.status) ? POLL_MS : false),
  });

  const steps = useMemo(() => (latest.data?.steps ?? []) as TestRunStep[], [latest.data]);
  const nodes = useMemo(() => mergeSamples(steps, singles), [steps, singles]);
  const runEvent = latest.data?.event;
  const sampleData: SampleData = useMemo(() => {
    const source = pinned ?? (runEvent ? { subject: runEvent.subject, time: runEvent.time, data: runEvent.data } : null);
    return buildSampleData(sampleAsEvent(source, eventType), nodes);
  }, [pinned, runEvent, eventType, nodes]);

  const setPinned = useCallback((value: SampleEventInput | null) => setPinnedLocal({ value }), []);
  const setSingle = useCallback((nodeId: string, sample: NodeSample) => setSingles((s) => ({ ...s, [nodeId]: sample })), []);
  const clearSingles = useCallback(() => setSingles({}), []);

  return { pinned, setPinned, latest, singles, setSingle, clearSingles, sampleData };
}
