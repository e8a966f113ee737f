import type { CloudEvent } from './cloud-event';

/**
 * Extension attribute an ingest (the MQTT trigger) sets when a message arrived but its payload
 * could not be read (not JSON, not UTF-8, too large). The event is still stored, with the raw bytes,
 * so nothing is lost; runs it triggers start as `needs_attention` with this reason.
 */
export const PAYLOAD_ERROR_EXTENSION = 'payloaderror';

export function payloadFailure(event: CloudEvent): { kind: 'user'; code: 'bad_payload'; message: string } | null {
  const reason = event[PAYLOAD_ERROR_EXTENSION];
  return typeof reason === 'string' && reason !== '' ? { kind: 'user', code: 'bad_payload', message: reason } : null;
}
