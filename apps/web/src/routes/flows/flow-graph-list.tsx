import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { keys } from '../../api/keys';
import { JsonView } from '../../components/json-view';
import { nodesOf } from '../../lib/erp-documents';
import { trpc } from '../../trpc';

interface EdgeLike {
  id: string;
  source: string;
  target: string;
  condition?: string;
}

function edgesOf(document: unknown): EdgeLike[] {
  if (typeof document !== 'object' || document === null || !('edges' in document) || !Array.isArray(document.edges)) return [];
  return (document.edges as unknown[]).flatMap((e) => {
    if (typeof e !== 'object' || e === null) return [];
    const edge = e as Record<string, unknown>;
    const { id, source, target, condition } = edge;
    if (typeof id !== 'string' || typeof source !== 'string' || typeof target !== 'string') return [];
    return [{ id, source, target, ...(typeof condition === 'string' ? { condition } : {}) }];
  });
}

/** A flow document's nodes and edges as plain lists: a view of what runs, not an editor. */
export function FlowGraphList({ document }: { document: unknown }) {
  const { t } = useTranslation('flows');
  const nodes = nodesOf(document);
  const edges = edgesOf(document);
  const connections = useQuery({ queryKey: keys.connectionList, queryFn: () => trpc.connections.list.query(), staleTime: 60_000 });
  const connectionName = (id: string | undefined) => (id ? (connections.data?.find((c) => c.id === id)?.name ?? id) : null);
  const names = new Map(nodes.map((n) => [n.id, n.name ?? n.id]));
  if (nodes.length === 0) return <p className="state state-empty">{t('page.noSteps')}</p>;
  return (
    <>
      <ol className="node-list" aria-label={t('page.nodes')}>
        {nodes.map((node) => (
          <li key={node.id} className="node-item">
            <div className="node-head">
              <span className="strong">{names.get(node.id)}</span>
              <code className="small">{node.id}</code>
              <span className="tag">{node.type}</span>
              {node.connectionId && (
                <span className="muted small">
                  {t('page.connection')}: {connectionName(node.connectionId)}
                </span>
              )}
            </div>
            <details>
              <summary>{t('page.parameters')}</summary>
              <JsonView value={node.parameters} label={t('page.parametersOf', { node: node.id })} />
            </details>
          </li>
        ))}
      </ol>
      <h3>{t('page.edges')}</h3>
      {edges.length === 0 ? (
        <p className="muted">{t('page.noEdges')}</p>
      ) : (
        <ul className="edge-list" aria-label={t('page.edges')}>
          {edges.map((edge) => (
            <li key={edge.id}>
              {names.get(edge.source) ?? edge.source} → {names.get(edge.target) ?? edge.target}
              {edge.condition && (
                <>
                  {' '}
                  <span className="muted">{t('page.when')}</span> <code className="small">{edge.condition}</code>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
