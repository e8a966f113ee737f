import type { Node } from '@xyflow/react';
import { useMemo, useState } from 'react';
import { summarize, type EditorNode } from '../../../lib/flow-editor-model';
import type { CompileErrorLike } from './problems';
import type { NodeSample } from './sample-data';
import { groupOf, type CardData, type NodeTypeInfo } from './types';

type RfNode = Node<CardData, 'qiao'>;

interface Inputs {
  nodes: readonly EditorNode[];
  infos: ReadonlyMap<string, NodeTypeInfo>;
  sizes: Readonly<Record<string, { width: number; height: number }>>;
  selected: ReadonlySet<string>;
  zh: boolean;
  errorsByNode: ReadonlyMap<string, CompileErrorLike[]>;
  /** The latest test-run result per node id. */
  runSamples?: Readonly<Record<string, NodeSample>>;
}

interface Cached {
  node: EditorNode;
  info: NodeTypeInfo | undefined;
  size: { width: number; height: number } | undefined;
  selected: boolean;
  zh: boolean;
  errors: CompileErrorLike[] | undefined;
  run: NodeSample | undefined;
  rf: RfNode;
}

const NO_ERRORS: CompileErrorLike[] = [];

/**
 * React Flow nodes for the document, reusing the previous object of every node whose inputs are
 * unchanged. React Flow re-renders a node only when its object changes, so while one node is dragged
 * (a new document each frame) the other 499 cards stay as they are, and their summaries are not recomputed.
 */
export class NodeObjectCache {
  private entries = new Map<string, Cached>();

  nodesFor({ nodes, infos, sizes, selected, zh, errorsByNode, runSamples }: Inputs): RfNode[] {
    const next = new Map<string, Cached>();
    const result = nodes.map((n) => {
      const info = infos.get(n.type);
      const size = sizes[n.id];
      const isSelected = selected.has(n.id);
      const errors = errorsByNode.get(n.id);
      const run = runSamples?.[n.id];
      const hit = this.entries.get(n.id);
      let entry: Cached;
      if (hit && hit.node === n && hit.info === info && hit.size === size && hit.selected === isSelected && hit.zh === zh && hit.errors === errors && hit.run === run) {
        entry = hit;
      } else if (hit && hit.node !== n && sameButPosition(hit, { n, info, size, isSelected, zh, errors, run })) {
        // Only moved: a new object for React Flow, but the same card data, so the memoized card need not render.
        entry = { ...hit, node: n, rf: { ...hit.rf, position: n.position } };
      } else {
        const rf: RfNode = {
          id: n.id,
          type: 'qiao',
          position: n.position,
          selected: isSelected,
          data: { node: n, label: info ? (zh ? info.label['zh-CN'] : info.label.en) : n.type, group: groupOf(info?.group), summary: summarize(n.parameters, info?.params), errors: errors ?? NO_ERRORS, run },
          ...(size ? { measured: size } : {}),
        };
        entry = { node: n, info, size, selected: isSelected, zh, errors, run, rf };
      }
      next.set(n.id, entry);
      return entry.rf;
    });
    this.entries = next;
    return result;
  }
}

export function useStableNodes({ nodes, infos, sizes, selected, zh, errorsByNode, runSamples }: Inputs): RfNode[] {
  const [cache] = useState(() => new NodeObjectCache());
  return useMemo(() => cache.nodesFor({ nodes, infos, sizes, selected, zh, errorsByNode, ...(runSamples ? { runSamples } : {}) }), [cache, nodes, infos, sizes, selected, zh, errorsByNode, runSamples]);
}

function sameButPosition(hit: Cached, o: { n: EditorNode; info: NodeTypeInfo | undefined; size: { width: number; height: number } | undefined; isSelected: boolean; zh: boolean; errors: CompileErrorLike[] | undefined; run: NodeSample | undefined }): boolean {
  if (hit.run !== o.run || hit.info !== o.info || hit.size !== o.size || hit.selected !== o.isSelected || hit.zh !== o.zh || hit.errors !== o.errors) return false;
  const { position: _a, ...before } = hit.node;
  const { position: _b, ...after } = o.n;
  // moveNodes copies the node with a new position and keeps every other field's value.
  return (Object.keys(before) as (keyof typeof before)[]).every((k) => before[k] === after[k]) && Object.keys(after).length === Object.keys(before).length;
}
