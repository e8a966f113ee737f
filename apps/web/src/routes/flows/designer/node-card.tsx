import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDuration } from '../../../lib/format-date';
import { GROUP_ICONS, type CardData } from './types';

/** A step on the canvas: type icon and group colour, name, one line of configuration, error badge. */
export const NodeCard = memo(function NodeCard({ data, selected }: NodeProps<Node<CardData, 'qiao'>>) {
  const { t } = useTranslation(['designer', 'testrun', 'common']);
  const { node, label, group, summary, errors, run } = data;
  const name = node.name ?? node.id;
  return (
    <div className={`flow-node flow-node-${group}${selected ? ' selected' : ''}${errors.length > 0 ? ' has-errors' : ''}`} data-testid="flow-node" data-node-id={node.id} aria-label={t('node.aria', { name, type: label })}>
      <Handle type="target" position={Position.Top} />
      <div className="flow-node-head">
        <span className="flow-node-icon" aria-hidden="true">
          {GROUP_ICONS[group]}
        </span>
        <span className="flow-node-name">{name}</span>
        {errors.length > 0 && (
          <span className="flow-node-errors" data-testid="node-error-badge" title={t('node.errors', { count: errors.length })}>
            ! {errors.length}
          </span>
        )}
      </div>
      <div className="flow-node-type">{label}</div>
      <div className="flow-node-summary">{summary || <span className="muted">{t('node.notConfigured')}</span>}</div>
      {run && (
        <div className={`flow-node-run flow-node-run-${run.status}`} data-testid="node-run-badge" data-status={run.status} title={run.error?.message} aria-label={t('testrun:badge.aria', { status: t(`common:status.${run.status}`) })}>
          <span>{t(`common:status.${run.status}`)}</span>
          {run.durationMs !== undefined && <span>{formatDuration(run.durationMs)}</span>}
        </div>
      )}
      <Handle type="source" position={Position.Bottom} />
    </div>
  );
});
