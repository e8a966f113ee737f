import { z } from 'zod';
import { flowDocumentSchema } from './document';

/**
 * JSON Schema (draft 2020-12) of a flow document as an author may write it: fields with defaults
 * are optional. For editors and external tooling; the compiler itself validates with zod.
 */
export function flowDocumentJsonSchema(): z.core.JSONSchema.JSONSchema {
  return z.toJSONSchema(flowDocumentSchema, { io: 'input' });
}
