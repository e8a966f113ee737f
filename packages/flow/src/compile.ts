import type { z } from 'zod';
import { DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, type FlowDocument, type FlowEdge, type FlowNode } from './document';
import type { CompileError, Path } from './errors';
import { getCompiled } from './expression/parse';
import { expressionReferences } from './expression/references';
import { valueMapReferences } from './expression/value-map-references';
import { syntaxDetail } from './expression/syntax-messages';
import { ancestorsOf, buildGraph, findCycles, shortestCycle, topologicalOrder, type Graph, type GraphEdge } from './graph';
import { describeIssue, messages, parameterSubject, type ExpressionSite } from './messages';
import { toPlainJson } from './json';
import { migrateDocument } from './migrate';
import { checkParameters, collectExpressions } from './parameters';
import { PLAN_VERSION, type ExecutionPlan, type PlanNode } from './plan';
import type { NodeTypeRegistry } from './registry';
import { valueMapTables } from './value-maps';

export type CompileResult = { ok: true; plan: ExecutionPlan } | { ok: false; errors: CompileError[] };

/** Everything the per-node and per-edge checks read; built once per compile. */
interface Scope {
  document: FlowDocument;
  registry: NodeTypeRegistry;
  nodesById: Map<string, FlowNode>;
  graph: Graph;
  ancestors: Map<string, Set<string>>;
  /** Names of the document's value maps. */
  valueMaps: ReadonlySet<string>;
  errors: CompileError[];
}

/**
 * Migrates and validates `document`, checks it as a whole and returns an execution plan, or every
 * error found. Schema errors stop compilation early (the rest cannot be checked on a malformed
 * document); all later checks run to completion so the designer can show every problem at once.
 */
export function compile(document: unknown, registry: NodeTypeRegistry): CompileResult {
  const migrated = migrateDocument(document);
  if (!migrated.ok) return migrated;
  const doc = migrated.document;
  const errors: CompileError[] = [];
  if (doc.nodes.length === 0) errors.push({ code: 'empty_flow', path: ['nodes'], message: messages.emptyFlow() });

  const nodesById = new Map<string, FlowNode>();
  for (const node of doc.nodes) {
    if (nodesById.has(node.id)) errors.push({ code: 'duplicate_id', nodeId: node.id, path: ['id'], message: messages.duplicateNodeId(node.id) });
    else nodesById.set(node.id, node);
  }
  const graphEdges = checkEdges(doc.edges, { nodesById, errors });
  const nodeIds = [...nodesById.keys()];
  const graph = buildGraph(nodeIds, graphEdges);
  reportCycles(nodeIds, { graph, errors });
  const ancestors = new Map(nodeIds.map((id) => [id, ancestorsOf(graph, id)]));

  const valueMaps = new Set((doc.valueMaps ?? []).map((m) => m.name));
  const scope: Scope = { document: doc, registry, nodesById, graph, ancestors, valueMaps, errors };
  for (const node of doc.nodes) checkNode(node, scope);
  for (const edge of doc.edges) checkEdgeCondition(edge, scope);
  checkTriggerFilter(scope);

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, plan: buildPlan(scope) };
}

/** Duplicate ids, dangling ends and self-loops; returns the edges that join two distinct nodes. */
function checkEdges(edges: readonly FlowEdge[], o: { nodesById: Map<string, FlowNode>; errors: CompileError[] }): GraphEdge[] {
  const seen = new Set<string>();
  const valid: GraphEdge[] = [];
  for (const edge of edges) {
    if (seen.has(edge.id)) o.errors.push({ code: 'duplicate_id', edgeId: edge.id, path: ['id'], message: messages.duplicateEdgeId(edge.id) });
    seen.add(edge.id);
    let joins = true;
    for (const end of ['source', 'target'] as const) {
      if (o.nodesById.has(edge[end])) continue;
      joins = false;
      o.errors.push({ code: 'dangling_edge', edgeId: edge.id, path: [end], message: messages.danglingEdge({ edgeId: edge.id, end, nodeId: edge[end] }) });
    }
    if (joins && edge.source === edge.target) {
      joins = false;
      o.errors.push({ code: 'cycle', edgeId: edge.id, nodeId: edge.source, path: ['target'], message: messages.selfLoop({ edgeId: edge.id, nodeId: edge.source }) });
    }
    if (joins) valid.push(edge);
  }
  return valid;
}

/** One error per node on a cycle, each naming a loop through that node, so each can be highlighted. */
function reportCycles(nodeIds: readonly string[], o: { graph: Graph; errors: CompileError[] }): void {
  for (const component of findCycles(nodeIds, o.graph)) {
    const members = new Set(component);
    for (const nodeId of component) {
      const cycle = shortestCycle(o.graph, { start: nodeId, members });
      o.errors.push({ code: 'cycle', nodeId, path: [], message: messages.cycle({ nodeId, cycle }) });
    }
  }
}

function checkNode(node: FlowNode, scope: Scope): void {
  const { errors } = scope;
  const definition = scope.registry.get(node.type);
  if (!definition) {
    errors.push({ code: 'unknown_node_type', nodeId: node.id, path: ['type'], message: messages.unknownNodeType({ nodeId: node.id, type: node.type }) });
  } else {
    if (definition.connectorId !== undefined && node.connectionId === undefined) {
      errors.push({
        code: 'missing_connection',
        nodeId: node.id,
        path: ['connectionId'],
        message: messages.missingConnection({ nodeId: node.id, connectorId: definition.connectorId }),
      });
    }
    checkNodeParameters(node, { schema: definition.params, errors });
  }
  const upstream = scope.ancestors.get(node.id) ?? new Set<string>();
  for (const site of collectExpressions(node.parameters, ['parameters'])) {
    checkExpression(site.source, scope, {
      site: { kind: 'parameter', nodeId: node.id, path: site.path },
      upstream,
      self: node.id,
      locate: { nodeId: node.id, path: site.path },
    });
  }
}

function checkNodeParameters(node: FlowNode, o: { schema: z.ZodType; errors: CompileError[] }): void {
  const check = checkParameters(node.parameters, o.schema);
  if (!check.ok) {
    // A check that throws on placeholder values says nothing about the real ones.
    if (collectExpressions(node.parameters).length === 0) {
      o.errors.push({ code: 'invalid_parameter', nodeId: node.id, path: ['parameters'], message: messages.parameterSchemaThrew({ nodeId: node.id, detail: check.thrown }) });
    }
    return;
  }
  for (const issue of check.issues) {
    const issuePath: Path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
    o.errors.push({
      code: 'invalid_parameter',
      nodeId: node.id,
      path: ['parameters', ...issuePath],
      message: describeIssue(issue, parameterSubject(issuePath)),
    });
  }
}

interface ExpressionCheck {
  site: ExpressionSite;
  /** Nodes whose outputs exist when the expression runs; undefined when that cannot be known. */
  upstream: ReadonlySet<string> | undefined;
  /** The node the expression belongs to, whose own output is never available to it. */
  self?: string;
  locate: { nodeId?: string; edgeId?: string; path: Path };
}

function checkExpression(source: string, scope: Scope, check: ExpressionCheck): void {
  const { site, upstream, self, locate } = check;
  const entry = getCompiled(source);
  if (!entry.ok) {
    scope.errors.push({
      code: 'expression_syntax',
      ...locate,
      position: entry.position,
      message: messages.expressionSyntax({ site, position: entry.position, detail: syntaxDetail(entry) }),
    });
    return;
  }
  for (const ref of expressionReferences(source).steps) {
    if (site.kind === 'filter') {
      scope.errors.push({ code: 'unknown_reference', ...locate, message: messages.stepsInTriggerFilter(ref) });
    } else if (!scope.nodesById.has(ref)) {
      scope.errors.push({ code: 'unknown_reference', ...locate, message: messages.unknownReference({ site, ref }) });
    } else if (ref === self) {
      scope.errors.push({ code: 'not_upstream', ...locate, message: messages.selfReference({ site, nodeId: ref }) });
    } else if (upstream && !upstream.has(ref)) {
      scope.errors.push({ code: 'not_upstream', ...locate, message: messages.notUpstream({ site, ref }) });
    }
  }
  for (const ref of valueMapReferences(source)) {
    if (!scope.valueMaps.has(ref.name)) {
      scope.errors.push({ code: 'unknown_value_map', ...locate, position: ref.position, message: messages.unknownValueMap({ site, name: ref.name }) });
    }
  }
}

/** An edge condition runs once its source has finished: the source and its ancestors are upstream. */
function checkEdgeCondition(edge: FlowEdge, scope: Scope): void {
  if (edge.condition === undefined) return;
  const sourceAncestors = scope.ancestors.get(edge.source);
  const upstream = sourceAncestors ? new Set([edge.source, ...sourceAncestors]) : undefined;
  checkExpression(edge.condition, scope, {
    site: { kind: 'condition', edgeId: edge.id },
    upstream,
    locate: { edgeId: edge.id, path: ['condition'] },
  });
}

function checkTriggerFilter(scope: Scope): void {
  const filter = scope.document.trigger.filter;
  if (filter === undefined) return;
  checkExpression(filter, scope, { site: { kind: 'filter' }, upstream: new Set(), locate: { path: ['trigger', 'filter'] } });
}

function planNode(node: FlowNode, scope: Scope): PlanNode {
  return {
    id: node.id,
    type: node.type,
    name: node.name ?? node.id,
    ...(node.connectionId === undefined ? {} : { connectionId: node.connectionId }),
    parameters: toPlainJson(node.parameters) as PlanNode['parameters'],
    retry: { ...DEFAULT_RETRY, ...node.retry },
    timeoutMs: node.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    incoming: [...(scope.graph.incoming.get(node.id) ?? [])],
    outgoing: [...(scope.graph.outgoing.get(node.id) ?? [])],
    upstream: [...(scope.ancestors.get(node.id) ?? [])].sort(),
  };
}

function buildPlan(scope: Scope): ExecutionPlan {
  const { document: doc, graph } = scope;
  const nodeIds = doc.nodes.map((n) => n.id);
  const { eventType, filter } = doc.trigger;
  return {
    planVersion: PLAN_VERSION,
    schemaVersion: doc.schemaVersion,
    trigger: { eventType, ...(filter === undefined ? {} : { filter }) },
    nodes: Object.fromEntries(doc.nodes.map((node) => [node.id, planNode(node, scope)])),
    order: topologicalOrder(nodeIds, graph),
    entryNodes: nodeIds.filter((id) => (graph.incoming.get(id) ?? []).length === 0),
    edges: doc.edges.map(({ id, source, target, condition }) => ({ id, source, target, ...(condition === undefined ? {} : { condition }) })),
    // Left out when there are none, so plans (and their hashes) of flows without maps are unchanged.
    ...(doc.valueMaps && doc.valueMaps.length > 0 ? { valueMaps: valueMapTables(doc.valueMaps) } : {}),
  };
}
