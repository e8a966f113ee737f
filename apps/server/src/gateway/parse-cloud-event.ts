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
        const text = decodeUtf8(body);
        if (text === null) return { ok: false, detail: 'The body is not valid UTF-8 text.', errors: [{ path: 'data', message: 'not valid UTF-8' }] };
        data = text;
      } else {
        return withValidation({ ...attributes, datacontenttype: contentType, data_base64: body.toString('base64') });
      }
    }
    candidate = { ...attributes, ...(contentType ? { datacontenttype: contentType } : {}), ...(data === undefined ? {} : { data }) };
  }
  return withValidation(candidate);
}

function withValidation(candidate: unknown): ParseResult {
  const poisoned = findProtoKey(candidate);
  if (poisoned) {
    // zod (like any plain assignment) would turn such a key into the prototype of its output, letting a sender supply attributes that were never validated.
    return { ok: false, detail: `A "__proto__" key is not allowed (at ${poisoned}).`, errors: [{ path: poisoned, message: '"__proto__" is not allowed as a key' }] };
  }
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

/** The path of the first own "__proto__" key, if any (JSON.parse makes it an own property; assignment would not). */
export function findProtoKey(root: unknown): string | null {
  const stack: { value: unknown; path: string }[] = [{ value: root, path: '' }];
  while (stack.length > 0) {
    const { value, path } = stack.pop() ?? { value: null, path: '' };
    if (typeof value !== 'object' || value === null) continue;
    if (!Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, '__proto__')) return path ? `${path}.__proto__` : '__proto__';
    for (const [key, child] of Object.entries(value)) stack.push({ value: child, path: path ? `${path}.${key}` : key });
  }
  return null;
}

/** Deeper than this is refused: no business event needs it, and storing it would overflow JSON.stringify and jsonb. */
export const MAX_JSON_DEPTH = 64;

// Fatal: a byte that is not UTF-8 is refused, never silently stored as U+FFFD in place of the sender's data.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeUtf8(body: Buffer): string | null {
  try {
    return utf8.decode(body);
  } catch {
    return null;
  }
}

function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false; message: string } {
  const text = decodeUtf8(body);
  if (text === null) return { ok: false, message: 'not valid UTF-8 (JSON must be UTF-8)' };
  // Checked on the text, before parsing, so a hostile nesting never reaches a recursive parser.
  if (nestingDepth(text) > MAX_JSON_DEPTH) return { ok: false, message: `nested deeper than ${MAX_JSON_DEPTH} levels` };
  try {
    // Lossless: an amount with more digits than a double holds arrives as a decimal string, not rounded.
    return { ok: true, value: parseJsonLossless(text) };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : 'malformed JSON' };
  }
}

/** Deepest bracket nesting outside strings; a scan, not a parse. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  return max;
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
