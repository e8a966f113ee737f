import { memo, useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EditorDocument, EditorEdge, EditorNode } from '../../../lib/flow-editor-model';
import { buildMappingTree, upstreamNodeIds, type OutputSchema } from '../../../lib/mapping-tree';
import { lookupTables, valueMapsOf } from '../../../lib/value-map-model';
import { ExpressionEditor } from './expression-editor';
import type { RouterOutputs } from '../../../trpc';
import { ExpressionScopeContext, type ExpressionScope, type ExpressionTarget } from './expression-scope';
import { MappingTree } from './mapping-tree';
import { ParamField } from './param-field';
import { useSampleData } from './sample-data';
import { loadExpressionTools } from './use-expression-tools';
import { errorsByField, messageIn, type CompileErrorLike } from './problems';
import type { NodeTypeInfo } from './types';

type Connection = RouterOutputs['connections']['list'][number];

function FieldErrors({ errors }: { errors: CompileErrorLike[] | undefined }) {
  const { i18n } = useTranslation();
  if (!errors || errors.length === 0) return null;
  return (
    <span className="field-error" role="alert">
      {errors.map((e) => messageIn(e, i18n.language)).join(' ')}
    </span>
  );
}

/**
 * What the node's expressions can read (the mapping tree's roots and the editors' preview scope):
 * the trigger event and the outputs of the nodes upstream of it, from their types' output schemas
 * and the sample data. Recomputed only when the graph, the node types or the samples change.
 */
function useMappingScope(o: { nodeId: string; doc: EditorDocument | undefined; infos: ReadonlyMap<string, NodeTypeInfo> | undefined }) {
  const { t, i18n } = useTranslation('mapping');
  const sample = useSampleData();
  const [target, setTarget] = useState<ExpressionTarget | null>(null);
  const nodes = o.doc?.nodes;
  const edges = o.doc?.edges;
  const nodeIds = useMemo(() => (nodes ?? []).map((n) => n.id).join('\n'), [nodes]);
  const upstream = useMemo(() => (edges ? upstreamNodeIds({ nodeIds: nodeIds.split('\n'), edges, nodeId: o.nodeId }) : null), [edges, nodeIds, o.nodeId]);
  const maps = o.doc?.valueMaps;
  const valueMaps = useMemo(() => lookupTables(valueMapsOf({ valueMaps: maps })), [maps]);
  // Names and types of the upstream nodes, as a string so node drags do not rebuild the tree.
  const upstreamKey = useMemo(() => {
    const byId = new Map((nodes ?? []).map((n) => [n.id, n]));
    return JSON.stringify((upstream ?? []).map((id) => [id, byId.get(id)?.name ?? '', byId.get(id)?.type ?? '']));
  }, [nodes, upstream]);
  const zh = i18n.language.startsWith('zh');
  const roots = useMemo(() => {
    const steps = (JSON.parse(upstreamKey) as [string, string, string][]).map(([id, name, type]) => {
      const info = o.infos?.get(type);
      const typeLabel = info ? (zh ? info.label['zh-CN'] : info.label.en) : type;
      const output = sample.nodes[id]?.output;
      return { nodeId: id, label: `${name || id} · ${typeLabel}`, schema: (info?.output ?? undefined) as OutputSchema | undefined, hasSample: output !== undefined, sample: output };
    });
    return buildMappingTree({ event: { label: `event · ${t('tree.event')}`, hasSample: sample.event !== undefined, sample: sample.event }, steps });
  }, [upstreamKey, o.infos, sample, zh, t]);
  const hasSample = sample.event !== undefined || (upstream ?? []).some((id) => sample.nodes[id]?.output !== undefined);
  const scope: ExpressionScope = useMemo(() => ({ upstream, valueMaps, target, setTarget }), [upstream, valueMaps, target]);
  return { scope, roots, hasSample };
}

interface NodePanelProps {
  node: EditorNode;
  info: NodeTypeInfo | undefined;
  connections: readonly Connection[];
  errors: CompileErrorLike[];
  onChange: (update: (n: EditorNode) => EditorNode, key: string) => void;
  doc?: EditorDocument;
  infos?: ReadonlyMap<string, NodeTypeInfo>;
}

function sameButPosition(a: EditorNode, b: EditorNode): boolean {
  if (a === b) return true;
  const { position: _a, ...restA } = a;
  const { position: _b, ...restB } = b;
  const keys = Object.keys(restA) as (keyof typeof restA)[];
  return keys.length === Object.keys(restB).length && keys.every((k) => restA[k] === restB[k]);
}

/**
 * While a node is dragged the designer renders on every frame with a new document that differs only
 * in positions, which the panel never shows: skip those renders. `onChange` is not compared: the
 * designer's closure for a node only ever edits that node through its stable `edit`.
 */
function samePanel(prev: NodePanelProps, next: NodePanelProps): boolean {
  if (prev.info !== next.info || prev.connections !== next.connections || prev.infos !== next.infos) return false;
  if (!sameButPosition(prev.node, next.node)) return false;
  if (prev.errors !== next.errors && (prev.errors.length > 0 || next.errors.length > 0)) return false;
  if (prev.doc === next.doc) return true;
  if (!prev.doc || !next.doc || prev.doc.edges !== next.doc.edges || prev.doc.valueMaps !== next.doc.valueMaps || prev.doc.nodes.length !== next.doc.nodes.length) return false;
  const before = prev.doc.nodes;
  return next.doc.nodes.every((n, i) => { const p = before[i]; return p !== undefined && sameButPosition(p, n); });
}

/** Configuration of the selected node: name, connection, parameters from its type's schema, and the fields it can map from. */
export const NodePanel = memo(function NodePanel({ node, info, connections, errors, onChange, doc, infos }: NodePanelProps) {
  const { t, i18n } = useTranslation('designer');
  const mapping = useMappingScope({ nodeId: node.id, doc, infos });
  // Fetch the expression checker while the user reads the form, before the first ƒx is pressed.
  useEffect(() => void loadExpressionTools().catch(() => undefined), []);
  const nameId = useId();
  const connectionId = useId();
  const byField = errorsByField(errors);
  const zh = i18n.language.startsWith('zh');
  const properties = Object.entries(info?.params.properties ?? {});
  const required = new Set(info?.params.required ?? []);
  const known = new Set(['', 'name', 'connectionId', ...properties.map(([k]) => k)]);
  const other = errors.filter((e) => !known.has(e.path[0] === 'parameters' ? String(e.path[1] ?? '') : String(e.path[0] ?? '')) || (e.path[0] !== 'parameters' && e.path.length === 0));
  const usable = connections.filter((c) => c.connectorId === info?.connectorId);
  return (
    <ExpressionScopeContext value={mapping.scope}>
    <section className="designer-panel-body" aria-label={t('panel.node')}>
      <h2>{info ? (zh ? info.label['zh-CN'] : info.label.en) : node.type}</h2>
      <p className="muted small">
        {t('panel.id')}: <code>{node.id}</code> · <code>{node.type}</code>
      </p>
      {info?.description && <p className="small">{zh ? info.description['zh-CN'] : info.description.en}</p>}
      {!info && <p className="field-error">{t('panel.unknownType')}</p>}
      <div className="field">
        <label htmlFor={nameId}>{t('panel.name')}</label>
        <input id={nameId} className="input" value={node.name ?? ''} placeholder={node.id} onChange={(e) => onChange((n) => { const { name: _old, ...rest } = n; return e.target.value === '' ? rest : { ...rest, name: e.target.value }; }, `${node.id}:name`)} />
        <FieldErrors errors={byField.get('name')} />
      </div>
      {info?.connectorId && (
        <div className="field">
          <label htmlFor={connectionId}>
            {t('panel.connection')}
            <span className="required" aria-hidden="true"> *</span>
          </label>
          <select id={connectionId} className="input" value={node.connectionId ?? ''} aria-invalid={byField.has('connectionId') || undefined} onChange={(e) => onChange((n) => { const { connectionId: _old, ...rest } = n; return e.target.value === '' ? rest : { ...rest, connectionId: e.target.value }; }, `${node.id}:connection`)}>
            <option value="">{t('panel.chooseConnection')}</option>
            {usable.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          {usable.length === 0 && <span className="hint">{t('panel.noConnections', { connector: info.connectorId })}</span>}
          <FieldErrors errors={byField.get('connectionId')} />
        </div>
      )}
      {properties.length > 0 && <h3>{t('panel.parameters')}</h3>}
      {properties.map(([name, schema]) => (
        <ParamField
          key={`${node.id}:${name}`}
          name={name}
          schema={schema}
          required={required.has(name)}
          value={node.parameters[name]}
          problems={(byField.get(name) ?? []).map((e) => messageIn(e, i18n.language))}
          onChange={(value) =>
            onChange((n) => {
              const parameters = { ...n.parameters };
              if (value === undefined) delete parameters[name];
              else parameters[name] = value;
              return { ...n, parameters };
            }, `${node.id}:param:${name}`)
          }
        />
      ))}
      {other.length > 0 && (
        <div className="field">
          <h3>{t('panel.otherProblems')}</h3>
          <FieldErrors errors={other} />
        </div>
      )}
      {properties.length > 0 && <MappingTree roots={mapping.roots} hasSample={mapping.hasSample} />}
    </section>
    </ExpressionScopeContext>
  );
}, samePanel);

/** A scope for expressions outside a node (edge conditions, the trigger filter): what they may read, no mapping tree. */
function useFixedScope(upstream: readonly string[] | null, doc: EditorDocument | undefined): ExpressionScope {
  const maps = doc?.valueMaps;
  const valueMaps = useMemo(() => lookupTables(valueMapsOf({ valueMaps: maps })), [maps]);
  return useMemo(() => ({ upstream, valueMaps, target: null, setTarget: () => undefined }), [upstream, valueMaps]);
}

/** The selected edge: its optional condition, checked and previewed against the source's sample output. */
export function EdgePanel({ edge, names, errors, onChange, doc }: { edge: EditorEdge; names: Map<string, string>; errors: CompileErrorLike[]; onChange: (condition: string, key: string) => void; doc?: EditorDocument }) {
  const { t } = useTranslation('designer');
  const id = useId();
  const nodeIds = useMemo(() => (doc?.nodes ?? []).map((n) => n.id).join('\n'), [doc?.nodes]);
  const edges = doc?.edges;
  // A condition runs once its source has finished: the source and everything before it are readable.
  const upstream = useMemo(() => (edges ? [edge.source, ...upstreamNodeIds({ nodeIds: nodeIds.split('\n'), edges, nodeId: edge.source })] : null), [edges, nodeIds, edge.source]);
  const scope = useFixedScope(upstream, doc);
  return (
    <ExpressionScopeContext value={scope}>
    <section className="designer-panel-body" aria-label={t('panel.edge')}>
      <h2>{t('panel.edge')}</h2>
      <p>
        {names.get(edge.source) ?? edge.source} → {names.get(edge.target) ?? edge.target}
      </p>
      <div className="field">
        <label htmlFor={id}>{t('panel.condition')}</label>
        <ExpressionEditor id={id} label={t('panel.condition')} value={edge.condition ?? ''} placeholder="event.data.amount > 50000" invalid={errors.length > 0} onChange={(source) => onChange(source, `${edge.id}:condition`)} />
        <span className="hint">{t('panel.conditionHint')}</span>
        <FieldErrors errors={errors} />
      </div>
    </section>
    </ExpressionScopeContext>
  );
}

const NO_STEPS: readonly string[] = [];

/** The flow's trigger, shown while nothing is selected. */
export function TriggerPanel({ doc, errors, onChange }: { doc: EditorDocument; errors: CompileErrorLike[]; onChange: (trigger: EditorDocument['trigger'], key: string) => void }) {
  const { t } = useTranslation('designer');
  const eventId = useId();
  const filterId = useId();
  // The trigger filter sees only the event.
  const scope = useFixedScope(NO_STEPS, doc);
  const byField = new Map<string, CompileErrorLike[]>();
  for (const e of errors) {
    const key = e.path[1] === 'filter' ? 'filter' : 'eventType';
    byField.set(key, [...(byField.get(key) ?? []), e]);
  }
  return (
    <ExpressionScopeContext value={scope}>
    <section className="designer-panel-body" aria-label={t('panel.trigger')}>
      <h2>{t('panel.trigger')}</h2>
      <p className="muted small">{t('panel.triggerHint')}</p>
      <div className="field">
        <label htmlFor={eventId}>
          {t('panel.eventType')}
          <span className="required" aria-hidden="true"> *</span>
        </label>
        <input id={eventId} className="input mono" value={doc.trigger.eventType} placeholder="com.qiao.sales_order.created" onChange={(e) => onChange({ ...doc.trigger, eventType: e.target.value }, 'trigger:eventType')} />
        <FieldErrors errors={byField.get('eventType')} />
      </div>
      <div className="field">
        <label htmlFor={filterId}>{t('panel.filter')}</label>
        <ExpressionEditor
          id={filterId}
          label={t('panel.filter')}
          value={doc.trigger.filter ?? ''}
          placeholder="event.data.salesOrg = '100'"
          invalid={byField.has('filter')}
          onChange={(source) => {
            const { filter: _old, ...rest } = doc.trigger;
            onChange(source === '' ? rest : { ...rest, filter: source }, 'trigger:filter');
          }}
        />
        <span className="hint">{t('panel.filterHint')}</span>
        <FieldErrors errors={byField.get('filter')} />
      </div>
      <p className="muted small">{t('panel.stats', { nodes: doc.nodes.length, edges: doc.edges.length })}</p>
    </section>
    </ExpressionScopeContext>
  );
}
