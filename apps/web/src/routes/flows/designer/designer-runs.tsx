import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useReactFlow } from '@xyflow/react';
import './test-runs.css';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { keys } from '../../../api/keys';
import { ErrorBox } from '../../../components/error-box';
import type { EditorDocument } from '../../../lib/flow-editor-model';
import { trpc } from '../../../trpc';
import type { SampleData } from './sample-data';
import { SingleNodeDialog } from './single-node-dialog';
import { TestResults, type TestRunSummary } from './test-results';
import { TestRunDialog } from './test-run-dialog';
import { upstreamData, type SampleEventInput } from './test-run-model';
import { testRunKey, useTestRun } from './use-test-run';
import { VersionHistory } from './version-history';

interface DesignerRunsArgs {
  flow: { id: string; sampleEvent: unknown; publishedVersion: number | null };
  doc: EditorDocument;
  /** Problems the compiler reports for the draft now. */
  problems: number;
  saveNow: () => Promise<boolean>;
  selectedNodes: readonly string[];
  select: (nodeIds: string[]) => void;
  /** The rollback published `version` and made `document` the draft: the designer starts over from it. */
  onRolledBack: (document: unknown, version: number) => void;
}

/**
 * Test runs, single-node runs and version history for the designer: toolbar buttons, the results
 * panel under the canvas, their dialogs, and the SampleData the canvas and mapping previews read.
 */
export function useDesignerRuns({ flow, doc, problems, saveNow, selectedNodes, select, onRolledBack }: DesignerRunsArgs): { sampleData: SampleData; toolbar: ReactNode; panel: ReactNode; dialogs: ReactNode } {
  const { t } = useTranslation(['testrun', 'versions']);
  const queryClient = useQueryClient();
  const runs = useTestRun({ flowId: flow.id, pinnedOnServer: flow.sampleEvent, eventType: doc.trigger.eventType });
  const [dialog, setDialog] = useState<'test' | 'history' | { node: string } | null>(null);
  const [resultsOpen, setResultsOpenState] = useState(false);
  const reactFlow = useReactFlow();
  // The results panel takes room from the canvas: fit the flow into what is left.
  const setResultsOpen = (open: boolean) => {
    setResultsOpenState(open);
    window.setTimeout(() => void reactFlow.fitView({ duration: 200, maxZoom: 1.2 }), 50);
  };
  const latest = runs.latest.data ?? null;
  const selectedNodeId = selectedNodes.length === 1 ? (selectedNodes[0] ?? null) : null;
  const lastEvent: SampleEventInput | null = latest ? { subject: latest.event.subject, time: latest.event.time, data: latest.event.data } : null;
  const cancel = useMutation({
    mutationFn: (runId: string) => trpc.testRuns.cancel.mutate({ runId }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: testRunKey(flow.id) }),
  });

  const toolbar = (
    <>
      <button type="button" className="btn btn-small" onClick={() => setDialog('test')} data-testid="open-test-run">
        {t('toolbar.test')}
      </button>
      {latest && !resultsOpen && (
        <button type="button" className="btn btn-small" onClick={() => setResultsOpen(true)}>
          {t('toolbar.results')}
        </button>
      )}
      <button type="button" className="btn btn-small" onClick={() => setDialog('history')} data-testid="open-history">
        {t('versions:toolbar')}
      </button>
    </>
  );

  const panel = resultsOpen ? (
    <>
      {runs.latest.isError && <ErrorBox error={runs.latest.error} onRetry={() => void runs.latest.refetch()} />}
      <TestResults
        run={latest as TestRunSummary | null}
        nodes={doc.nodes}
        samples={runs.sampleData.nodes}
        singleNodeIds={new Set(Object.keys(runs.singles))}
        selectedNodeId={selectedNodeId}
        onSelect={(id) => select([id])}
        onRunNode={(nodeId) => setDialog({ node: nodeId })}
        onCancel={latest ? () => cancel.mutate(latest.id) : undefined}
        cancelling={cancel.isPending}
        onClose={() => setResultsOpen(false)}
      />
    </>
  ) : null;

  let dialogs: ReactNode = null;
  if (dialog === 'test') {
    dialogs = (
      <TestRunDialog
        flowId={flow.id}
        pinned={runs.pinned}
        lastEvent={lastEvent}
        problems={problems}
        canWrite
        beforeRun={saveNow}
        onPinned={runs.setPinned}
        onStarted={() => {
          setDialog(null);
          setResultsOpen(true);
          runs.clearSingles();
          void queryClient.invalidateQueries({ queryKey: testRunKey(flow.id) });
        }}
        onClose={() => setDialog(null)}
      />
    );
  } else if (dialog === 'history') {
    dialogs = (
      <VersionHistory
        flowId={flow.id}
        publishedVersion={flow.publishedVersion}
        draft={doc}
        canWrite
        saveNow={saveNow}
        onRolledBack={(result) => {
          setDialog(null);
          onRolledBack(result.document, result.version);
          void queryClient.invalidateQueries({ queryKey: keys.flows });
        }}
        onClose={() => setDialog(null)}
      />
    );
  } else if (dialog !== null) {
    const node = doc.nodes.find((n) => n.id === dialog.node);
    if (node) {
      dialogs = (
        <SingleNodeDialog
          flowId={flow.id}
          node={node}
          upstream={upstreamData(node.id, doc.edges, runs.sampleData.nodes)}
          sample={runs.pinned ?? lastEvent}
          beforeRun={saveNow}
          onResult={runs.setSingle}
          onClose={() => setDialog(null)}
        />
      );
    }
  }

  return { sampleData: runs.sampleData, toolbar, panel, dialogs };
}
