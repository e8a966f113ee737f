import '@xyflow/react/dist/style.css';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Background, Controls, MarkerType, MiniMap, ReactFlow, ReactFlowProvider, useReactFlow, type Connection as RfConnection, type Edge, type EdgeChange, type Node, type NodeChange, type NodeTypes, type OnDelete } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { keys } from '../../../api/keys';
import { StatusBadge } from '../../../components/status-badge';
import { useDebounced } from '../../../hooks/use-debounced';
import { useErrorText } from '../../../hooks/use-error-text';
import {
  addNode,
  autoLayout,
  commit,
  connect,
  copySelection,
  createHistory,
  defaultParameters,
  moveNodes,
  paste,
  redo,
  removeElements,
  replacePresent,
  toEditorDocument,
  undo,
  updateNode,
  type Clip,
  type EditorDocument,
  type EditorNode,
  type History,
  type Position,
} from '../../../lib/flow-editor-model';
import { trpc, type RouterOutputs } from '../../../trpc';
import { NodeCard } from './node-card';
import { DRAG_TYPE, Palette } from './palette';
import { messageIn, type CompileErrorLike } from './problems';
import { PublishDialog } from './publish-dialog';
import { ShortcutsHelp } from './shortcuts-help';
import { useAutosave } from './use-autosave';
import { useDesignerRuns } from './designer-runs';
import { SampleDataContext } from './sample-data';
import { EdgePanel, NodePanel, TriggerPanel } from './side-panel';
import type { CardData, NodeTypeInfo } from './types';
import { ValueMapsButton, ValueMapsDialog } from './value-maps-dialog';
import { valueMapsOf } from '../../../lib/value-map-model';
import { useStableNodes } from './use-stable-nodes';
import { documentVersion } from './document-version';

type Flow = RouterOutputs['flows']['get'];

const nodeTypes: NodeTypes = { qiao: NodeCard };
const VALIDATE_DELAY_MS = 500;
/** Edits of the same field within this time make one undo step. */
const COALESCE_MS = 1500;

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** The canvas designer of one flow: palette, canvas, configuration panel, problems, autosave, publish. */
export function FlowDesigner({ flow }: { flow: Flow }) {
  return (
    <ReactFlowProvider>
      <Designer flow={flow} />
    </ReactFlowProvider>
  );
}

function Designer({ flow }: { flow: Flow }) {
  const { t, i18n } = useTranslation('designer');
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const reactFlow = useReactFlow();
  const [history, setHistory] = useState<History>(() => createHistory(toEditorDocument(flow.draft, flow.name)));
  const doc = history.present;
  const [rawSelectedNodes, setSelectedNodes] = useState<string[]>([]);
  const [rawSelectedEdges, setSelectedEdges] = useState<string[]>([]);
  const [sizes, setSizes] = useState<Record<string, { width: number; height: number }>>({});
  const [helpOpen, setHelpOpen] = useState(false);
  // Zoom to fit once when the flow opens with steps (not when the first step of an empty flow lands).
  const [fitOnOpen] = useState(() => history.present.nodes.length > 0);
  const [publishOpen, setPublishOpen] = useState(false);
  const [valueMapsOpen, setValueMapsOpen] = useState(false);
  const [published, setPublished] = useState<number | null>(null);
  const lastEdit = useRef<{ key: string; at: number } | null>(null);
  const dragStart = useRef<EditorDocument | null>(null);
  const clipboard = useRef<Clip | null>(null);
  const wrapper = useRef<HTMLDivElement>(null);

  const nodeTypeList = useQuery({ queryKey: ['flows', 'nodeTypes'], queryFn: () => trpc.flows.nodeTypes.query(), staleTime: Infinity });
  const connections = useQuery({ queryKey: keys.connectionList, queryFn: () => trpc.connections.list.query(), staleTime: 60_000 });
  const infos = useMemo(() => new Map((nodeTypeList.data ?? []).map((nt) => [nt.type, nt as NodeTypeInfo])), [nodeTypeList.data]);

  // Selected elements that still exist (undo and delete remove some).
  const selectedNodes = useMemo(() => { const ids = new Set(doc.nodes.map((n) => n.id)); return rawSelectedNodes.filter((id) => ids.has(id)); }, [doc.nodes, rawSelectedNodes]);
  const selectedEdges = useMemo(() => { const ids = new Set(doc.edges.map((e) => e.id)); return rawSelectedEdges.filter((id) => ids.has(id)); }, [doc.edges, rawSelectedEdges]);

  // --- editing -------------------------------------------------------------------------------
  const edit = useCallback((change: (d: EditorDocument) => EditorDocument, key?: string) => {
    const now = Date.now();
    const coalesce = key !== undefined && lastEdit.current?.key === key && now - lastEdit.current.at < COALESCE_MS;
    lastEdit.current = key === undefined ? null : { key, at: now };
    setHistory((h) => {
      const next = change(h.present);
      return coalesce ? replacePresent(h, next) : commit(h, next);
    });
  }, []);

  const select = useCallback((nodes: string[], edges: string[] = []) => {
    setSelectedNodes(nodes);
    setSelectedEdges(edges);
  }, []);

  const addAt = useCallback(
    (type: string, position: Position) => {
      const added = addNode(doc, type, position, defaultParameters(infos.get(type)?.params));
      edit(() => added.doc);
      select([added.id]);
    },
    [doc, edit, infos, select],
  );

  const addAtCenter = useCallback(
    (type: string) => {
      const box = wrapper.current?.getBoundingClientRect();
      const center = box ? reactFlow.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 }) : { x: 0, y: 0 };
      const offset = (doc.nodes.length % 5) * 24;
      addAt(type, { x: center.x - 100 + offset, y: center.y - 30 + offset });
    },
    [addAt, doc.nodes.length, reactFlow],
  );

  const doUndo = useCallback(() => setHistory((h) => undo(h)), []);
  const doRedo = useCallback(() => setHistory((h) => redo(h)), []);

  const doCopy = useCallback(() => {
    const clip = copySelection(doc, new Set(selectedNodes));
    if (clip) clipboard.current = clip;
  }, [doc, selectedNodes]);

  const doPaste = useCallback(() => {
    const clip = clipboard.current;
    if (!clip) return;
    const pasted = paste(doc, clip);
    edit(() => pasted.doc);
    select(pasted.ids);
  }, [doc, edit, select]);


  // Keyboard shortcuts that React Flow does not handle itself (it handles Delete/Backspace and selection).
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (isTyping(event.target) || document.querySelector('[role="dialog"]')) return;
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      if (mod && key === 'z') {
        event.preventDefault();
        if (event.shiftKey) doRedo();
        else doUndo();
      } else if (mod && key === 'y') {
        event.preventDefault();
        doRedo();
      } else if (mod && key === 'c') {
        doCopy();
      } else if (mod && key === 'v') {
        event.preventDefault();
        doPaste();
      } else if (mod && key === 'a') {
        event.preventDefault();
        select(doc.nodes.map((n) => n.id));
      } else if (event.key === '?') {
        setHelpOpen(true);
      } else if (event.key === 'Escape') {
        select([]);
      } else if (!mod && key === 'f') {
        void reactFlow.fitView({ duration: 200 });
      }
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [doCopy, doPaste, doRedo, doUndo, doc.nodes, reactFlow, select]);

  // --- validation (the server's compiler, debounced) ---------------------------------------------
  const settled = useDebounced(doc, VALIDATE_DELAY_MS);
  const validation = useQuery({
    queryKey: ['flows', 'validate', flow.id, documentVersion(settled)],
    queryFn: () => trpc.flows.validate.mutate({ document: settled }),
    placeholderData: keepPreviousData,
    gcTime: 0,
    staleTime: Infinity,
  });
  const errors: CompileErrorLike[] = useMemo(() => validation.data?.errors ?? [], [validation.data]);
  const validating = settled !== doc || validation.isFetching;
  const errorsByNode = useMemo(() => {
    const map = new Map<string, CompileErrorLike[]>();
    for (const e of errors) if (e.nodeId) map.set(e.nodeId, [...(map.get(e.nodeId) ?? []), e]);
    return map;
  }, [errors]);

  const { state: save, saveNow } = useAutosave(flow.id, doc);
  // Test runs, single-node runs and version history: their panels, dialogs and the shared sample data.
  const runs = useDesignerRuns({ flow, doc, problems: errors.length, saveNow, selectedNodes, select, onRolledBack: (document, version) => { setHistory(createHistory(toEditorDocument(document, flow.name))); setPublished(version); } });
  const runSamples = runs.sampleData.nodes;

  // --- React Flow wiring (controlled: the document is the truth) ---------------------------------
  const selectedNodeSet = useMemo(() => new Set(selectedNodes), [selectedNodes]);
  const selectedEdgeSet = useMemo(() => new Set(selectedEdges), [selectedEdges]);
  const zh = i18n.language.startsWith('zh');
  // Node objects are reused while their inputs are unchanged, so a drag re-renders only the moved cards.
  const rfNodes: Node<CardData, 'qiao'>[] = useStableNodes({ nodes: doc.nodes, infos, sizes, selected: selectedNodeSet, zh, errorsByNode, runSamples });
  const edgeErrors = useMemo(() => new Set(errors.flatMap((e) => (e.edgeId ? [e.edgeId] : []))), [errors]);
  const rfEdges: Edge[] = useMemo(
    () => doc.edges.map((e) => ({ id: e.id, source: e.source, target: e.target, selected: selectedEdgeSet.has(e.id), ...(e.condition ? { label: e.condition } : {}), ...(edgeErrors.has(e.id) ? { className: 'edge-error' } : {}) })),
    [doc.edges, selectedEdgeSet, edgeErrors],
  );

  const onNodesChange = useCallback((changes: NodeChange<Node<CardData, 'qiao'>>[]) => {
    const positions = new Map<string, Position>();
    const newSizes: Record<string, { width: number; height: number }> = {};
    let selection: Map<string, boolean> | null = null;
    for (const c of changes) {
      if (c.type === 'position' && c.position) positions.set(c.id, c.position);
      else if (c.type === 'dimensions' && c.dimensions) newSizes[c.id] = c.dimensions;
      else if (c.type === 'select') (selection ??= new Map()).set(c.id, c.selected);
    }
    if (positions.size > 0) setHistory((h) => replacePresent(h, moveNodes(h.present, positions)));
    if (Object.keys(newSizes).length > 0) setSizes((s) => ({ ...s, ...newSizes }));
    if (selection) {
      const sel = selection;
      setSelectedNodes((s) => {
        const next = new Set(s);
        for (const [id, on] of sel) if (on) next.add(id);
        else next.delete(id);
        return [...next];
      });
    }
  }, []);
  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    const selection = new Map<string, boolean>();
    for (const c of changes) if (c.type === 'select') selection.set(c.id, c.selected);
    if (selection.size === 0) return;
    setSelectedEdges((s) => {
      const next = new Set(s);
      for (const [id, on] of selection) if (on) next.add(id);
      else next.delete(id);
      return [...next];
    });
  }, []);
  const onConnect = useCallback((c: RfConnection) => edit((d) => connect(d, c.source, c.target)), [edit]);
  const onDelete: OnDelete = useCallback(({ nodes, edges }) => edit((d) => removeElements(d, nodes.map((n) => n.id), edges.map((e) => e.id))), [edit]);
  const onNodeDragStart = useCallback(() => {
    dragStart.current = doc;
  }, [doc]);
  const onNodeDragStop = useCallback(() => {
    const before = dragStart.current;
    dragStart.current = null;
    setHistory((h) => (before && before !== h.present ? { past: [...h.past, before], present: h.present, future: [] } : h));
  }, []);

  function onDrop(event: React.DragEvent) {
    const type = event.dataTransfer.getData(DRAG_TYPE);
    if (!type) return;
    event.preventDefault();
    const p = reactFlow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
    addAt(type, { x: p.x - 100, y: p.y - 30 });
  }

  function focusProblem(e: CompileErrorLike) {
    if (e.nodeId && doc.nodes.some((n) => n.id === e.nodeId)) {
      select([e.nodeId]);
      void reactFlow.fitView({ nodes: [{ id: e.nodeId }], duration: 300, maxZoom: 1.2 });
    } else if (e.edgeId && doc.edges.some((x) => x.id === e.edgeId)) {
      select([], [e.edgeId]);
    } else {
      select([]);
    }
  }

  // --- panels -----------------------------------------------------------------------------------
  const selectedNode = selectedNodes.length === 1 && selectedEdges.length === 0 ? doc.nodes.find((n) => n.id === selectedNodes[0]) : undefined;
  const selectedEdge = selectedEdges.length === 1 && selectedNodes.length === 0 ? doc.edges.find((e) => e.id === selectedEdges[0]) : undefined;
  const names = new Map(doc.nodes.map((n) => [n.id, n.name ?? n.id]));
  let panel;
  if (selectedNode) {
    panel = <NodePanel key={selectedNode.id} node={selectedNode} info={infos.get(selectedNode.type)} connections={connections.data ?? []} errors={errorsByNode.get(selectedNode.id) ?? []} onChange={(update: (n: EditorNode) => EditorNode, key) => edit((d) => updateNode(d, selectedNode.id, update), key)} doc={doc} infos={infos} />;
  } else if (selectedEdge) {
    panel = (
      <EdgePanel
        edge={selectedEdge}
        names={names}
        errors={errors.filter((e) => e.edgeId === selectedEdge.id)}
        onChange={(condition, key) => edit((d) => ({ ...d, edges: d.edges.map((e) => { if (e.id !== selectedEdge.id) return e; const { condition: _old, ...rest } = e; return condition === '' ? rest : { ...rest, condition }; }) }), key)}
        doc={doc}
      />
    );
  } else if (selectedNodes.length + selectedEdges.length > 1) {
    panel = (
      <section className="designer-panel-body">
        <h2>{t('panel.multi', { count: selectedNodes.length + selectedEdges.length })}</h2>
        <button type="button" className="btn btn-danger-outline" onClick={() => edit((d) => removeElements(d, selectedNodes, selectedEdges))}>
          {t('panel.deleteSelection')}
        </button>
      </section>
    );
  } else {
    panel = <TriggerPanel doc={doc} errors={errors.filter((e) => !e.nodeId && !e.edgeId && e.path[0] === 'trigger')} onChange={(trigger, key) => edit((d) => ({ ...d, trigger }), key)} />;
  }

  const saveText = save.kind === 'saved' ? t('save.saved') : save.kind === 'saving' ? t('save.saving') : save.kind === 'pending' ? t('save.pending') : t('save.error', { message: save.message });
  const publishBlocked = errors.length > 0 || validating;

  return (
    <SampleDataContext.Provider value={runs.sampleData}>
    <div className="designer">
      <div className="designer-toolbar" role="toolbar" aria-label={t('toolbar.label')}>
        <h1 className="designer-title">
          {flow.name} <StatusBadge status={flow.status} />
        </h1>
        <span className={`save-state save-${save.kind}`} role="status" data-testid="save-state">
          {saveText}
          {save.kind === 'error' && (
            <button type="button" className="btn btn-small" onClick={() => void saveNow()}>
              {t('save.retry')}
            </button>
          )}
        </span>
        <span className="designer-toolbar-spacer" />
        <button type="button" className="btn btn-small" onClick={doUndo} disabled={history.past.length === 0} title="Ctrl+Z">
          {t('toolbar.undo')}
        </button>
        <button type="button" className="btn btn-small" onClick={doRedo} disabled={history.future.length === 0} title="Ctrl+Shift+Z">
          {t('toolbar.redo')}
        </button>
        <button type="button" className="btn btn-small" disabled={doc.nodes.length === 0} onClick={() => { edit(autoLayout); window.setTimeout(() => void reactFlow.fitView({ duration: 200 }), 50); }}>
          {t('toolbar.layout')}
        </button>
        <button type="button" className="btn btn-small" onClick={() => void reactFlow.fitView({ duration: 200 })} title="F">
          {t('toolbar.fit')}
        </button>
        <button type="button" className="btn btn-small" onClick={() => setHelpOpen(true)} aria-label={t('toolbar.shortcuts')} title={t('toolbar.shortcuts')}>
          ?
        </button>
        {runs.toolbar}
        <ValueMapsButton count={(doc.valueMaps ?? []).length} onClick={() => setValueMapsOpen(true)} />
        <Link className="btn btn-small" to="?view=details">
          {t('toolbar.details')}
        </Link>
        <span className="publish-state" role="status">
          {validating ? t('publish.checking') : errors.length > 0 ? t('publish.blocked', { count: errors.length }) : published !== null ? t('publish.done', { version: published }) : flow.publishedVersion ? t('publish.live', { version: flow.publishedVersion }) : ''}
        </span>
        <button type="button" className="btn btn-primary btn-small" disabled={publishBlocked} onClick={() => setPublishOpen(true)}>
          {t('publish.button')}
        </button>
      </div>
      <div className="designer-body">
        <Palette types={(nodeTypeList.data ?? []) as NodeTypeInfo[]} onAdd={addAtCenter} />
        <div className="designer-canvas" ref={wrapper} onDragOver={(e) => { if (e.dataTransfer.types.includes(DRAG_TYPE)) { e.preventDefault(); e.dataTransfer.dropEffect = 'move'; } }} onDrop={onDrop} data-testid="canvas">
          <ReactFlow
            nodes={rfNodes}
            edges={rfEdges}
            nodeTypes={nodeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            onDelete={onDelete}
            onNodeDragStart={onNodeDragStart}
            onNodeDragStop={onNodeDragStop}
            onPaneClick={() => select([])}
            deleteKeyCode={['Delete', 'Backspace']}
            defaultEdgeOptions={{ markerEnd: { type: MarkerType.ArrowClosed } }}
            fitView={fitOnOpen}
            fitViewOptions={{ maxZoom: 1.2 }}
            minZoom={0.1}
            proOptions={{ hideAttribution: true }}
            onlyRenderVisibleElements={doc.nodes.length > 100}
            aria-label={t('canvas.label')}
          >
            <Background gap={16} />
            <Controls showInteractive={false} />
            <MiniMap pannable zoomable ariaLabel={t('canvas.minimap')} />
          </ReactFlow>
          {doc.nodes.length === 0 && <p className="designer-empty">{t('canvas.empty')}</p>}
        </div>
        <aside className="designer-panel" aria-label={t('panel.label')}>
          {panel}
          <section className="problems" aria-labelledby="problems-title">
            <h2 id="problems-title">
              {t('problems.title')} {errors.length > 0 && <span className="badge badge-error">{errors.length}</span>}
            </h2>
            {validation.isError ? (
              <p className="field-error">{errorText(validation.error)}</p>
            ) : errors.length === 0 ? (
              <p className="muted small">{validating ? t('publish.checking') : t('problems.none')}</p>
            ) : (
              <ul className="problem-list" data-testid="problems">
                {errors.map((e, i) => (
                  <li key={`${e.code}-${e.nodeId ?? ''}-${e.edgeId ?? ''}-${e.path.join('.')}-${i}`}>
                    <button type="button" className="problem" onClick={() => focusProblem(e)}>
                      {(e.nodeId ?? e.edgeId) && <strong>{e.nodeId ? (names.get(e.nodeId) ?? e.nodeId) : t('problems.edge')}: </strong>}
                      {messageIn(e, i18n.language)}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </aside>
      </div>
      {runs.panel}
      {runs.dialogs}
      {helpOpen && <ShortcutsHelp onClose={() => setHelpOpen(false)} />}
      {valueMapsOpen && (
        <ValueMapsDialog
          maps={valueMapsOf(doc)}
          errors={errors.filter((e) => !e.nodeId && !e.edgeId && e.path[0] === 'valueMaps')}
          onChange={(maps, key) => edit((d) => { const { valueMaps: _old, ...rest } = d; return maps.length === 0 ? rest : { ...rest, valueMaps: maps }; }, key)}
          onClose={() => setValueMapsOpen(false)}
        />
      )}
      {publishOpen && (
        <PublishDialog
          flowId={flow.id}
          beforePublish={saveNow}
          onClose={() => setPublishOpen(false)}
          onPublished={(version) => {
            setPublishOpen(false);
            setPublished(version);
            void queryClient.invalidateQueries({ queryKey: keys.flows });
          }}
        />
      )}
    </div>
    </SampleDataContext.Provider>
  );
}
