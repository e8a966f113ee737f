import { DWClient, EventAck, type DWClientDownStream, type EventAckData } from 'dingtalk-stream';
import type { Logger } from '../kit/context';
import { dingtalkEventToCloudEvent, type DingtalkEventCloudEvent } from './event-mapping';

/** Commits the event (e.g. the runtime's acceptEvent); resolves only once it is durable. */
export type StreamAccept = (event: DingtalkEventCloudEvent) => Promise<void>;

export interface StreamHandlerOptions {
  connectionId: string;
  accept: StreamAccept;
  logger: Logger;
}

/**
 * One EVENT frame → CloudEvent → accept → the ack to send. SUCCESS only after accept resolved (the
 * event is committed); LATER when it failed, so DingTalk delivers it again. A frame that can never
 * become an event (not JSON, no event type) is acknowledged and logged: redelivering it would loop.
 */
export async function handleStreamFrame(frame: DWClientDownStream, options: StreamHandlerOptions): Promise<EventAckData> {
  let body: unknown;
  try {
    body = JSON.parse(frame.data);
  } catch {
    options.logger.error('dingtalk stream: event data is not JSON; acknowledged and dropped', { messageId: frame.headers.messageId, eventType: frame.headers.eventType });
    return { status: EventAck.SUCCESS, message: 'unparseable' };
  }
  const record = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : { value: body };
  const event = dingtalkEventToCloudEvent({ connectionId: options.connectionId, body: record, headers: frame.headers, raw: frame.data });
  if (!event) {
    options.logger.error('dingtalk stream: event without a usable type; acknowledged and dropped', { messageId: frame.headers.messageId });
    return { status: EventAck.SUCCESS, message: 'no event type' };
  }
  try {
    await options.accept(event);
    return { status: EventAck.SUCCESS };
  } catch (error) {
    options.logger.warn('dingtalk stream: event not committed; asking DingTalk to deliver it again', { messageId: frame.headers.messageId, err: String(error) });
    return { status: EventAck.LATER, message: 'not committed' };
  }
}

/**
 * The official SDK's client, with one change: the SDK sends the ack synchronously with whatever its
 * listener returns, so an event could be acknowledged before it is committed. This subclass sends the
 * ack itself (through the SDK's public `send`, the same frame the SDK would send) after the commit.
 */
export class DingtalkStreamClient extends DWClient {
  private readonly handler: StreamHandlerOptions;

  constructor(options: StreamHandlerOptions & { clientId: string; clientSecret: string }) {
    super({ clientId: options.clientId, clientSecret: options.clientSecret, keepAlive: true });
    this.handler = { connectionId: options.connectionId, accept: options.accept, logger: options.logger };
  }

  override onEvent(message: DWClientDownStream): void {
    void handleStreamFrame(message, this.handler).then((ack) => {
      try {
        this.send(message.headers.messageId, ack);
      } catch (error) {
        // The socket is gone: without an ack DingTalk delivers the event again (deduplicated on source + id).
        this.handler.logger.warn('dingtalk stream: ack not sent', { messageId: message.headers.messageId, err: String(error) });
      }
    });
  }
}
