import { z } from 'zod';

/** CloudEvents 1.0 attribute names for extensions: lower-case letters and digits only. */
const EXTENSION_NAME = /^[a-z0-9]{1,20}$/;
const CORE = new Set(['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'dataschema', 'data', 'data_base64']);

const coreSchema = z.object({
  specversion: z.literal('1.0', { error: 'specversion must be "1.0"' }),
  id: z.string().trim().min(1).max(256),
  source: z.string().trim().min(1).max(1024),
  type: z.string().trim().min(1).max(256),
  subject: z.string().max(1024).optional(),
  time: z.iso
    .datetime({ offset: true, error: 'time must be an RFC 3339 timestamp' })
    .refine((t) => new Date(t).getUTCFullYear() >= 1, 'time must be after year 0')
    .optional(),
  datacontenttype: z.string().max(256).optional(),
  dataschema: z.string().max(1024).optional(),
  data: z.unknown().optional(),
  data_base64: z.string().optional(),
});

export const cloudEventSchema = coreSchema
  .catchall(z.union([z.string(), z.number(), z.boolean()]))
  .superRefine((event, ctx) => {
    for (const key of Object.keys(event)) {
      if (!CORE.has(key) && !EXTENSION_NAME.test(key)) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'extension attribute names must be 1-20 lower-case letters or digits' });
      }
    }
    const bad = findUnstorableText(event, []);
    if (bad) ctx.addIssue({ code: 'custom', path: bad, message: 'text must not contain NUL (\\u0000) or unpaired UTF-16 surrogates' });
    if (event.data !== undefined && event.data_base64 !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['data_base64'], message: 'data and data_base64 are mutually exclusive' });
    }
  });

/** The core attributes, typed; extension attributes ride along as extra keys. */
export type CloudEvent = z.output<typeof coreSchema> & Record<string, unknown>;

export function cloudEventExtensions(event: CloudEvent): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(event)) {
    if (!CORE.has(key) && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) out[key] = value;
  }
  return out;
}

// NUL and lone surrogates are valid JSON but not storable text (PostgreSQL refuses them): refuse them at the door, naming where.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE = { test: (text: string) => text.includes(String.fromCharCode(0)) || LONE_SURROGATE.test(text) };

function findUnstorableText(value: unknown, path: (string | number)[]): (string | number)[] | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = findUnstorableText(value[i], [...path, i]);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (UNSTORABLE.test(key)) return [...path, key];
      const found = findUnstorableText(inner, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}
