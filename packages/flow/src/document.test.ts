import { describe, expect, it } from 'vitest';
import { expr, flowDocumentSchema, isExpression } from './document';
import { flowDocumentJsonSchema } from './json-schema';

describe('expressions in parameters', () => {
  it('recognises only the exact { $expr: string } shape', () => {
    expect(isExpression(expr('event.data'))).toBe(true);
    expect(isExpression({ $expr: '' })).toBe(true);
    expect(isExpression({ $expr: 1 })).toBe(false);
    expect(isExpression({ $expr: 'a', b: 1 })).toBe(false);
    expect(isExpression([{ $expr: 'a' }])).toBe(false);
    expect(isExpression('$expr')).toBe(false);
    expect(isExpression(null)).toBe(false);
  });
});

describe('flowDocumentSchema', () => {
  it('refuses parameters that are not JSON', () => {
    const doc = {
      schemaVersion: 1,
      name: 'x',
      trigger: { eventType: 't' },
      nodes: [{ id: 'a', type: 't', position: { x: 0, y: 0 }, parameters: { f: () => 1 } }],
      edges: [],
    };
    expect(flowDocumentSchema.safeParse(doc).success).toBe(false);
  });
});

describe('flowDocumentJsonSchema', () => {
  it('describes the document, its nodes and edges', () => {
    const schema = flowDocumentJsonSchema() as {
      type: string;
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, { properties?: Record<string, unknown>; items?: { properties: Record<string, { pattern?: string }>; required: string[] } }>;
    };
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['schemaVersion', 'name', 'trigger', 'nodes', 'edges']));
    expect(schema.properties['schemaVersion']).toMatchObject({ const: 1 });
    expect(schema.properties['trigger']?.properties).toHaveProperty('eventType');
    const node = schema.properties['nodes']?.items;
    expect(node?.required).toEqual(expect.arrayContaining(['id', 'type', 'parameters', 'position']));
    expect(node?.required).not.toContain('retry');
    expect(node?.properties['id']?.pattern).toBe('^[A-Za-z_][A-Za-z0-9_]{0,63}$');
    expect(Object.keys(schema.properties['edges']?.items?.properties ?? {})).toEqual(['id', 'source', 'target', 'condition']);
  });
});

describe('the committed JSON Schema file', () => {
  it('matches the zod schema (run `pnpm schema:flow` after changing the document)', async () => {
    const { readFile } = await import('node:fs/promises');
    const committed = JSON.parse(await readFile(new URL('../flow-document.schema.json', import.meta.url), 'utf8')) as unknown;
    expect(committed).toEqual(flowDocumentJsonSchema());
  });
});
