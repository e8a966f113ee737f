import { describe, expect, it } from 'vitest';
import { compile, flowDocumentSchema } from '@qiao/flow';
import { nodeTypeRegistry } from '@qiao/connectors';
import { findTemplate, flowTemplates } from './index';

const CONNECTION = '11111111-2222-4333-8444-555555555555';

describe('flow templates', () => {
  it('offers blank, sales order → invoice and payment → receipt', () => {
    expect(flowTemplates.map((t) => t.id)).toEqual(['blank', 'order-to-invoice', 'payment-to-receipt']);
    expect(findTemplate('nope')).toBeUndefined();
  });

  for (const template of flowTemplates) {
    it(`${template.id}: is a valid document named as asked, on its event`, () => {
      const doc = template.build({ name: 'My flow', connectionId: CONNECTION });
      const parsed = flowDocumentSchema.parse(doc);
      expect(parsed.name).toBe('My flow');
      expect(parsed.trigger.eventType).toBe(template.eventType);
      for (const node of parsed.nodes) expect(node.connectionId).toBe(CONNECTION);
    });

    if (template.connector) {
      it(`${template.id}: compiles against the connector registry`, () => {
        const result = compile(template.build({ name: 'x', connectionId: CONNECTION }), nodeTypeRegistry());
        expect(result.ok ? [] : result.errors).toEqual([]);
        expect(result.ok && Object.keys(result.plan.nodes).length).toBeGreaterThan(0);
      });

      it(`${template.id}: without a connection, leaves the nodes unconnected (the compiler says so)`, () => {
        const doc = flowDocumentSchema.parse(template.build({ name: 'x', connectionId: undefined }));
        expect(doc.nodes.every((n) => n.connectionId === undefined)).toBe(true);
        const result = compile(doc, nodeTypeRegistry());
        expect(result.ok).toBe(false);
        expect(!result.ok && result.errors.map((e) => e.code)).toContain('missing_connection');
      });
    }
  }
});
