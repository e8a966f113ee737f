import type { NodeTypeRegistry } from '@qiao/flow';
import type { Connector } from './kit/define-connector';
import type { OutboxChannel } from './kit/outbox-channel';
import { createNodeTypeRegistry, findAction, findConnector, type ResolvedAction } from './kit/registry';
import { dingtalk, dingtalkRobotChannel } from './dingtalk';
import { http } from './http';
import { kingdee } from './kingdee';
import { mqtt } from './mqtt';
import { wecom } from './wecom';

/** Every connector that ships with Qiao. Built from each connector's export, never edited by hand elsewhere. */
export const builtinConnectors: readonly Connector[] = [kingdee, http, wecom, dingtalk, mqtt];

/** Channels whose messages the worker sends from the durable outbox (rate-limited sends). */
export const builtinOutboxChannels: readonly OutboxChannel[] = [dingtalkRobotChannel as OutboxChannel];

export function getOutboxChannel(id: string, channels: readonly OutboxChannel[] = builtinOutboxChannels): OutboxChannel | undefined {
  return channels.find((c) => c.id === id);
}

export function getConnector(id: string, connectors: readonly Connector[] = builtinConnectors): Connector | undefined {
  return findConnector(connectors, id);
}

/** `kingdee.saveBill` → the connector and the action, or undefined. */
export function getAction(nodeType: string, connectors: readonly Connector[] = builtinConnectors): ResolvedAction | undefined {
  return findAction(connectors, nodeType);
}

/** One node type per action, for the flow compiler and the designer. */
export function nodeTypeRegistry(connectors: readonly Connector[] = builtinConnectors): NodeTypeRegistry {
  return createNodeTypeRegistry(connectors);
}
