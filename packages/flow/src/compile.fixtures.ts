import { expect } from 'vitest';
import { z } from 'zod';
import { compile } from './compile';
import { expr, type FlowDocumentInput } from './document';
import type { CompileError } from './errors';
import { createRegistry, type NodeTypeDefinition } from './registry';

// Shared by the compile tests: a small registry shaped like the real connectors, and documents.
const label = (en: string, zh: string): { en: string; 'zh-CN': string } => ({ en, 'zh-CN': zh });

const saveBill: NodeTypeDefinition = {
  type: 'kingdee.saveBill',
  connectorId: 'kingdee',
  label: label('Save bill', '保存单据'),
  group: 'erp',
  params: z.object({
    formId: z.string().min(1),
    model: z.object({
      FBillNo: z.string(),
      FCustId: z.string(),
      FDate: z.string().optional(),
      FEntity: z.array(z.object({ FMaterialId: z.string(), FQty: z.number().positive() })).min(1),
    }),
    mode: z.enum(['draft', 'submit', 'audit']).default('draft'),
  }),
  output: z.object({ id: z.string(), number: z.string() }),
};

const pushBill: NodeTypeDefinition = {
  type: 'kingdee.pushBill',
  connectorId: 'kingdee',
  label: label('Push bill', '下推单据'),
  group: 'erp',
  params: z.object({ formId: z.string(), targetFormId: z.string(), numbers: z.array(z.string()).min(1), ruleId: z.string().optional() }),
  output: z.object({ numbers: z.array(z.string()) }),
};

const delay: NodeTypeDefinition = {
  type: 'core.delay',
  label: label('Delay', '延时'),
  group: 'logic',
  params: z
    .object({ ms: z.int().min(0).max(60_000), jitterMs: z.int().min(0).optional() })
    // A check across fields: only meaningful once both values are known.
    .refine((p) => (p.jitterMs ?? 0) <= p.ms, { message: 'jitter exceeds delay' }),
};

export const registry = createRegistry([saveBill, pushBill, delay]);

export const at = { x: 0, y: 0 };

export function orderToInvoice(): FlowDocumentInput {
  return {
    schemaVersion: 1,
    name: 'Order → outbound → invoice',
    trigger: { eventType: 'com.qiao.sales_order.created', filter: 'event.data.amount > 0' },
    nodes: [
      {
        id: 'saveOrder',
        type: 'kingdee.saveBill',
        name: 'Save sales order',
        connectionId: 'conn-kingdee',
        position: at,
        parameters: {
          formId: 'SAL_SaleOrder',
          model: {
            FBillNo: expr('event.data.orderNo'),
            FCustId: expr('$event.data.customer.code'),
            FDate: '2024-05-01',
            FEntity: expr('event.data.lines[].{ "FMaterialId": sku, "FQty": qty }'),
          },
        },
        retry: { maxAttempts: 5 },
      },
      {
        id: 'pushOutbound',
        type: 'kingdee.pushBill',
        connectionId: 'conn-kingdee',
        position: at,
        parameters: { formId: 'SAL_SaleOrder', targetFormId: 'SAL_OUTSTOCK', numbers: [expr('steps.saveOrder.number')] },
        timeoutMs: 60_000,
      },
      {
        id: 'pushReceivable',
        type: 'kingdee.pushBill',
        connectionId: 'conn-kingdee',
        position: at,
        parameters: { formId: 'SAL_OUTSTOCK', targetFormId: 'AR_receivable', numbers: expr('$steps.pushOutbound.numbers') },
      },
      {
        id: 'pushInvoice',
        type: 'kingdee.pushBill',
        connectionId: 'conn-kingdee',
        position: at,
        parameters: {
          formId: 'AR_receivable',
          targetFormId: 'IV_SALESIC',
          numbers: expr('$steps.pushReceivable.numbers'),
          ruleId: expr('"AR_IV_" & steps.saveOrder.number'),
        },
      },
    ],
    edges: [
      { id: 'e1', source: 'saveOrder', target: 'pushOutbound' },
      { id: 'e2', source: 'pushOutbound', target: 'pushReceivable' },
      { id: 'e3', source: 'pushReceivable', target: 'pushInvoice' },
    ],
  };
}

export function delayNode(id: string, parameters: Record<string, unknown> = { ms: 10 }): FlowDocumentInput['nodes'][number] {
  return { id, type: 'core.delay', position: at, parameters: parameters as FlowDocumentInput['nodes'][number]['parameters'] };
}

export function docWith(nodes: FlowDocumentInput['nodes'], edges: FlowDocumentInput['edges'] = []): FlowDocumentInput {
  return { schemaVersion: 1, name: 'test', trigger: { eventType: 'com.qiao.test' }, nodes, edges };
}

export function errorsOf(document: unknown): CompileError[] {
  const result = compile(document, registry);
  if (result.ok) throw new Error('expected compile errors');
  return result.errors;
}

export function only(errors: CompileError[], code: CompileError['code']): CompileError[] {
  return errors.filter((e) => e.code === code);
}

const HAN = /[\u4e00-\u9fff]/;

export function expectBilingual(error: CompileError): void {
  expect(error.message.en.length).toBeGreaterThan(10);
  expect(error.message['zh-CN']).toMatch(HAN);
  expect(error.message['zh-CN']).not.toEqual(error.message.en);
}

