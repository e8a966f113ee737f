import '@xyflow/react/dist/style.css';
import '../flows/designer/test-runs.css';
import { Background, Controls, Handle, MarkerType, Position, ReactFlow, ReactFlowProvider, type Edge, type Node, type NodeChange, type NodeProps, type NodeTypes } from '@xyflow/react';
import { memo, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { StatusBadge, type AnyStatus } from '../../components/status-badge';
import { formatDuration } from '../../lib/format-date';
import { toEditorDocument } from '../../lib/flow-editor-model';
import type { StepStatus } from './step-timeline';

interface RunNodeData extends Record<string, unknown> {
  name: string;
  type: string;
  status: StepStatus | null;
  durationMs: number | null;
  selected: boolean;
}

const ICONS: Record<StepStatus, string> = { pending: '○', running: '◔', retrying: '↻', succeeded: '✓', failed: '✕', skipped: '⤼' };

/** One step of the run's flow: its name and type with the step's status as colour, icon and word. */
const RunNode = memo(function RunNode({ data }: NodeProps<Node<RunNodeData, 'run'>>) {
  const { t } = useTranslation('runview');
  const status = data.status;
  return (
    <div className={`flow-node run-node run-node-${status ?? 'none'}${data.selected ? ' selected' : ''}`} data-testid="run-node" data-status={status ?? 'none'}>
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <div className="flow-node-head">
        <span className="flow-node-icon" aria-hidden="true">
          {status ? ICONS[status] : '·'}
        </span>
        <span className="flow-node-name">{data.name}</span>
      </div>
      <div className="flow-node-type">{data.type}</div>
      <div className="run-node-status">
        {status ? <StatusBadge status={status as AnyStatus} /> : <span className="muted small">{t('canvas.notReached')}</span>}
        {data.durationMs !== null && <span className="muted small">{formatDuration(data.durationMs)}</span>}
      </div>
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
});

const nodeTypes: NodeTypes = { run: RunNode };

interface RunCanvasProps {
  /** The flow version the run executed. */
  definition: unknown;
  steps: readonly { nodeId: string; status: StepStatus; durationMs: number | null }[];
  selectedNodeId: string | null;
  onSelect: (nodeId: string) => void;
}

/** The run's flow version drawn read-only (nothing can be moved or connected), each node coloured by its step's status. */
export function RunCanvas(props: RunCanvasProps) {
  return (
    <ReactFlowProvider>
      <Canvas {...props} />
    </ReactFlowProvider>
  );
}

function Canvas({ definition, steps, selectedNodeId, onSelect }: RunCanvasProps) {
  const { t } = useTranslation('runview');
  const doc = useMemo(() => toEditorDocument(definition, ''), [definition]);
  const byNode = useMemo(() => new Map(steps.map((s) => [s.nodeId, s])), [steps]);
  const nodes: Node<RunNodeData, 'run'>[] = useMemo(
    () =>
      doc.nodes.map((n) => {
        const step = byNode.get(n.id);
        return {
          id: n.id, type: 'run' as const, position: n.position, draggable: false, connectable: false, selectable: true,
          selected: n.id === selectedNodeId,
          ariaLabel: t('canvas.nodeAria', { name: n.name ?? n.id, status: step ? t(`canvas.status.${step.status}`) : t('canvas.notReached') }),
          data: { name: n.name ?? n.id, type: n.type, status: step?.status ?? null, durationMs: step?.durationMs ?? null, selected: n.id === selectedNodeId },
        };
      }),
    [doc.nodes, byNode, selectedNodeId, t],
  );
  const edges: Edge[] = useMemo(
    () => doc.edges.map((e) => {
      const done = byNode.get(e.source)?.status === 'succeeded' && byNode.has(e.target);
      return { id: e.id, source: e.source, target: e.target, ...(e.condition ? { label: e.condition } : {}), animated: byNode.get(e.target)?.status === 'running', className: done ? 'run-edge-taken' : 'run-edge' };
    }),
    [doc.edges, byNode],
  );
  if (doc.nodes.length === 0) return <p className="state state-empty">{t('canvas.empty')}</p>;
  return (
    <div className="run-canvas" data-testid="run-canvas">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        nodesDraggable={false}
        nodesConnectable={false}
        edgesFocusable={false}
        elementsSelectable
        onNodeClick={(_e, node) => onSelect(node.id)}
        // Keyboard selection (Tab to a node, Enter) arrives as a selection change.
        onNodesChange={(changes: NodeChange<Node<RunNodeData, 'run'>>[]) => {
          for (const c of changes) if (c.type === 'select' && c.selected) onSelect(c.id);
        }}
        defaultEdgeOptions={{ markerEnd: { type: MarkerType.ArrowClosed } }}
        fitView
        fitViewOptions={{ maxZoom: 1.1 }}
        minZoom={0.1}
        proOptions={{ hideAttribution: true }}
        aria-label={t('canvas.label')}
      >
        <Background gap={16} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
