import { createHash } from 'node:crypto';
import { textOf, type XmlObject, type XmlValue } from './xml';

/** The CloudEvent a WeCom callback becomes (the runtime's schema checks it again before storing). */
export interface WecomCloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject?: string;
  time?: string;
  datacontenttype: 'application/json';
  data: XmlObject;
}

export const WECOM_EVENT_PREFIX = 'com.qiao.wecom.';

/** Both approval callbacks (WeCom's approval app, and the "approval flow engine" of a self-built app) are one type. */
const TYPE_ALIASES: Readonly<Record<string, string>> = { sys_approval_change: 'approval_change', open_approval_change: 'approval_change' };

/**
 * Fields that tell two events of one kind apart when WeCom gives no MsgId. CreateTime alone is not
 * enough: a batch approval sends many sys_approval_change events in the same second, which differ
 * by SpNo (and state fields). Retries of one event repeat every field, so they get the same id.
 */
const KEY_FIELDS = ['ChangeType', 'EventKey', 'TaskId', 'UserID', 'Id', 'JobId', 'ResponseCode', 'CardType', 'ExternalUserID', 'ChatId', 'SelectedItems'];
const APPROVAL_KEY_FIELDS = ['SpNo', 'ThirdNo', 'SpStatus', 'OpenSpStatus', 'StatuChangeEvent'];

/** `sys_approval_change` → `com.qiao.wecom.approval_change`; a message (no Event) → `com.qiao.wecom.message.<MsgType>`. */
export function wecomEventType(message: XmlObject): string | undefined {
  const msgType = (textOf(message, 'MsgType') ?? '').toLowerCase();
  if (!/^[a-z0-9_]{1,64}$/.test(msgType)) return undefined;
  if (msgType !== 'event') return `${WECOM_EVENT_PREFIX}message.${msgType}`;
  const event = (textOf(message, 'Event') ?? '').toLowerCase();
  if (!/^[a-z0-9_]{1,64}$/.test(event)) return undefined;
  return `${WECOM_EVENT_PREFIX}${TYPE_ALIASES[event] ?? event}`;
}

/** A stable id: MsgId when WeCom gives one, else a hash of the fields that identify the event. */
export function wecomEventId(message: XmlObject): string {
  const msgId = textOf(message, 'MsgId');
  if (msgId && /^[0-9A-Za-z_-]{1,128}$/.test(msgId)) return `msg-${msgId}`;
  const approval = approvalInfo(message);
  const identity = [
    textOf(message, 'FromUserName') ?? '',
    textOf(message, 'CreateTime') ?? '',
    textOf(message, 'MsgType') ?? '',
    textOf(message, 'Event') ?? '',
    ...KEY_FIELDS.map((field) => stable(message[field])),
    ...APPROVAL_KEY_FIELDS.map((field) => stable(approval?.[field])),
  ];
  return `evt-${createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 40)}`;
}

function approvalInfo(message: XmlObject): XmlObject | undefined {
  const info = message['ApprovalInfo'];
  return info !== undefined && typeof info === 'object' && !Array.isArray(info) ? info : undefined;
}

function stable(value: XmlValue | undefined): string {
  return value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The CloudEvent for a decrypted callback, or undefined when the message has no usable type.
 * Source is `wecom://<corpid>/<agentid>`; subject is the approval number for approvals, else the sender.
 */
export function toWecomCloudEvent(message: XmlObject, args: { corpId: string; agentId?: number | undefined }): WecomCloudEvent | undefined {
  const type = wecomEventType(message);
  if (!type) return undefined;
  const agent = textOf(message, 'AgentID') ?? (args.agentId === undefined ? '' : String(args.agentId));
  const event: WecomCloudEvent = {
    specversion: '1.0',
    id: wecomEventId(message),
    source: `wecom://${args.corpId}/${/^\d{1,20}$/.test(agent) ? agent : '0'}`,
    type,
    datacontenttype: 'application/json',
    data: message,
  };
  const created = Number(textOf(message, 'CreateTime'));
  if (Number.isSafeInteger(created) && created > 0 && created < 32_503_680_000) event.time = new Date(created * 1000).toISOString();
  const subject = textOf(approvalInfo(message), 'SpNo') ?? textOf(approvalInfo(message), 'ThirdNo') ?? textOf(message, 'FromUserName');
  if (subject) event.subject = subject.slice(0, 200);
  return event;
}
