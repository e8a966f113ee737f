import { parseJsonLossless } from '@qiao/connectors';
import { cloudEventSchema, eventDataSchemas, type CloudEvent } from '@qiao/runtime';
import type { ProblemField } from '../problem';

export type ParseResult = { ok: true; event: CloudEvent } | { ok: false; detail: string; errors: ProblemField[] };

type Headers = Record<string, string | string[] | undefined>;

/**
 * CloudEvents HTTP binding: `application/cloudevents+json` is structured mode (the whole event in the
 * body); any other content type is binary mode (attributes in `ce-*` headers, the body is `data`).
 */
export function parseCloudEventRequest(headers: Headers, body: Buffer): ParseResult {
  const contentType = headerValue(headers, 'content-type') ?? '';
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType.startsWith('application/cloudevents-batch')) {
    return { ok: false, detail: 'Batched CloudEvents are not accepted; send one event per request.', errors: [{ path: 'content-type', message: 'batch mode is not supported' }] };
  }
  let candidate: unknown;
  if (mediaType.startsWith('application/cloudevents')) {
    const parsed = parseJson(body);
    if (!parsed.ok) return { ok: false, detail: `The body is not valid JSON: ${parsed.message}`, errors: [{ path: '(body)', message: parsed.message }] };
    candidate = parsed.value;
  } else {
    const attributes: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      const lower = name.toLowerCase();
      if (!lower.startsWith('ce-')) continue;
      const text = Array.isArray(value) ? value[0] : value;
      if (text !== undefined) attributes[lower.slice(3)] = decodeHeader(text);
    }
    if (Object.keys(attributes).length === 0) {
      return { ok: false, detail: 'No CloudEvent found: use Content-Type application/cloudevents+json, or ce-* headers in binary mode.', errors: [{ path: 'content-type', message: 'expected application/cloudevents+json or ce-specversion header' }] };
    }
    let data: unknown = undefined;
    if (body.length > 0) {
      if (mediaType === '' || mediaType === 'application/json' || mediaType.endsWith('+json')) {
        const parsed = parseJson(body);
        if (!parsed.ok) return { ok: false, detail: `The body is not valid JSON: ${parsed.message}`, errors: [{ path: 'data', message: parsed.message }] };
        data = parsed.value;
      } else if (mediaType.startsWith('text/')) {
        data = body.toString('utf8');
      } else {
        return withValidation({ ...attributes, datacontenttype: contentType, data_base64: body.toString('base64') });
      }
    }
    candidate = { ...attributes, ...(contentType ? { datacontenttype: contentType } : {}), ...(data === undefined ? {} : { data }) };
  }
  return withValidation(candidate);
}

function withValidation(candidate: unknown): ParseResult {
  const parsed = cloudEventSchema.safeParse(candidate);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(event)', message: i.message }));
    return { ok: false, detail: `Invalid CloudEvent: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors };
  }
  const event = parsed.data;
  const dataSchema = eventDataSchemas[event.type];
  if (dataSchema) {
    const data = dataSchema.safeParse(event.data);
    if (!data.success) {
      const errors = data.error.issues.map((i) => ({ path: ['data', ...i.path].join('.'), message: i.message }));
      return { ok: false, detail: `Invalid ${event.type} data: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors };
    }
    const withData: CloudEvent = Object.assign({}, event, { data: data.data });
    return { ok: true, event: withData };
  }
  return { ok: true, event };
}

function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    // Lossless: an amount with more digits than a double holds arrives as a decimal string, not rounded.
    return { ok: true, value: parseJsonLossless(body.toString('utf8')) };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : 'malformed JSON' };
  }
}

function headerValue(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Header values are percent-encoded per the HTTP binding; a bad escape is kept literally. */
function decodeHeader(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
