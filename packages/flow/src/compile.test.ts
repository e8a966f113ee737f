import { describe, expect, it } from 'vitest';
import { compile } from './compile';
import { delayNode, docWith, errorsOf, orderToInvoice, registry } from './compile.fixtures';
import { expr } from './document';
import { canonicalJson } from './json';
import { resolveParameters } from './parameters';
import { executionPlanSchema } from './plan';

describe('compile: the order → outbound → invoice flow', () => {
  it('compiles to a plan with order, entry nodes, upstream sets and defaults', () => {
    const result = compile(orderToInvoice(), registry);
    if (!result.ok) throw new Error(JSON.stringify(result.errors, null, 2));
    const { plan } = result;
    expect(plan.planVersion).toBe(1);
    expect(plan.schemaVersion).toBe(1);
    expect(plan.trigger).toEqual({ eventType: 'com.qiao.sales_order.created', filter: 'event.data.amount > 0' });
    expect(plan.order).toEqual(['saveOrder', 'pushOutbound', 'pushReceivable', 'pushInvoice']);
    expect(plan.entryNodes).toEqual(['saveOrder']);
    expect(plan.nodes['pushInvoice']?.upstream).toEqual(['pushOutbound', 'pushReceivable', 'saveOrder']);
    expect(plan.nodes['saveOrder']?.upstream).toEqual([]);
    expect(plan.nodes['pushOutbound']).toMatchObject({ incoming: ['e1'], outgoing: ['e2'], name: 'pushOutbound', timeoutMs: 60_000 });
    expect(plan.nodes['saveOrder']).toMatchObject({
      name: 'Save sales order',
      connectionId: 'conn-kingdee',
      retry: { maxAttempts: 5, initialDelayMs: 1000, maxDelayMs: 60_000, multiplier: 2 },
      timeoutMs: 30_000,
    });
    expect(plan.nodes['pushReceivable']?.retry).toEqual({ maxAttempts: 3, initialDelayMs: 1000, maxDelayMs: 60_000, multiplier: 2 });
    // Parameters are carried as written, expressions unresolved.
    expect(plan.nodes['saveOrder']?.parameters).toEqual(orderToInvoice().nodes[0]?.parameters);
    expect(plan.edges).toEqual([
      { id: 'e1', source: 'saveOrder', target: 'pushOutbound' },
      { id: 'e2', source: 'pushOutbound', target: 'pushReceivable' },
      { id: 'e3', source: 'pushReceivable', target: 'pushInvoice' },
    ]);
  });

  it('produces a JSON-serialisable plan that validates against the plan schema and hashes stably', () => {
    const result = compile(orderToInvoice(), registry);
    if (!result.ok) throw new Error('expected a plan');
    const roundTripped: unknown = JSON.parse(JSON.stringify(result.plan));
    expect(roundTripped).toEqual(result.plan);
    expect(executionPlanSchema.safeParse(roundTripped).success).toBe(true);
    const again = compile(JSON.parse(JSON.stringify(orderToInvoice())), registry);
    if (!again.ok) throw new Error('expected a plan');
    expect(canonicalJson(again.plan)).toBe(canonicalJson(result.plan));
  });

  it('resolves, node by node, to parameters the node types accept', async () => {
    const result = compile(orderToInvoice(), registry);
    if (!result.ok) throw new Error('expected a plan');
    const event = {
      id: 'evt-1',
      source: '/shop',
      type: 'com.qiao.sales_order.created',
      data: { orderNo: 'SO-1001', amount: 62000, customer: { code: 'C-7' }, lines: [{ sku: 'M-1', qty: 2 }] },
    };
    const outputs: Record<string, unknown> = {
      saveOrder: { id: '100', number: 'XSDD-1' },
      pushOutbound: { numbers: ['XSCK-1'] },
      pushReceivable: { numbers: ['AR-1', 'AR-2'] },
    };
    const resolved: Record<string, unknown> = {};
    for (const id of result.plan.order) {
      const node = result.plan.nodes[id];
      if (!node) throw new Error(id);
      // A node sees only what is upstream of it, as the compiler promised.
      const steps = Object.fromEntries(node.upstream.map((u) => [u, outputs[u]]));
      const parameters = await resolveParameters(node.parameters, { event, steps });
      expect(registry.get(node.type)?.params.safeParse(parameters).success).toBe(true);
      resolved[id] = parameters;
    }
    expect(resolved['saveOrder']).toMatchObject({ model: { FBillNo: 'SO-1001', FCustId: 'C-7', FEntity: [{ FMaterialId: 'M-1', FQty: 2 }] } });
    expect(resolved['pushOutbound']).toEqual({ formId: 'SAL_SaleOrder', targetFormId: 'SAL_OUTSTOCK', numbers: ['XSDD-1'] });
    expect(resolved['pushInvoice']).toEqual({ formId: 'AR_receivable', targetFormId: 'IV_SALESIC', numbers: ['AR-1', 'AR-2'], ruleId: 'AR_IV_XSDD-1' });
  });

  it('does not keep references into the input document', () => {
    const doc = orderToInvoice();
    const result = compile(doc, registry);
    if (!result.ok) throw new Error('expected a plan');
    (doc.nodes[0]?.parameters as { formId: string }).formId = 'changed';
    expect(result.plan.nodes['saveOrder']?.parameters['formId']).toBe('SAL_SaleOrder');
  });
});

describe('compile: graph shapes', () => {
  it('orders a diamond topologically and gives each node its ancestors', () => {
    // Listed out of order on purpose: the plan order must not depend on listing order.
    const doc = docWith(
      [delayNode('join'), delayNode('left'), delayNode('start'), delayNode('right')],
      [
        { id: 'a', source: 'start', target: 'left' },
        { id: 'b', source: 'start', target: 'right' },
        { id: 'c', source: 'left', target: 'join' },
        { id: 'd', source: 'right', target: 'join' },
      ],
    );
    const result = compile(doc, registry);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const { plan } = result;
    expect(plan.order).toEqual(['start', 'left', 'right', 'join']);
    for (const edge of plan.edges) expect(plan.order.indexOf(edge.source)).toBeLessThan(plan.order.indexOf(edge.target));
    expect(plan.entryNodes).toEqual(['start']);
    expect(plan.nodes['join']).toMatchObject({ incoming: ['c', 'd'], outgoing: [], upstream: ['left', 'right', 'start'] });
    expect(plan.nodes['left']?.upstream).toEqual(['start']);
    expect(plan.nodes['right']?.upstream).toEqual(['start']);
    expect(plan.nodes['start']).toMatchObject({ outgoing: ['a', 'b'], upstream: [] });
  });

  it('accepts several entry nodes (unconnected nodes are entries)', () => {
    const result = compile(docWith([delayNode('a'), delayNode('b')]), registry);
    if (!result.ok) throw new Error('expected a plan');
    expect(result.plan.entryNodes).toEqual(['a', 'b']);
    expect(result.plan.order).toEqual(['a', 'b']);
  });

  it('keeps conditional edges and lets a condition read its source and ancestors', () => {
    const doc = docWith(
      [delayNode('check'), delayNode('approve'), delayNode('bigOrder'), delayNode('smallOrder')],
      [
        { id: 'toApprove', source: 'check', target: 'approve' },
        { id: 'big', source: 'approve', target: 'bigOrder', condition: 'steps.approve.amount > 50000 and $steps.check.ok' },
        { id: 'small', source: 'approve', target: 'smallOrder', condition: 'event.data.amount <= 50000' },
      ],
    );
    const result = compile(doc, registry);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.plan.edges.find((e) => e.id === 'big')?.condition).toBe('steps.approve.amount > 50000 and $steps.check.ok');
    expect(result.plan.edges.find((e) => e.id === 'toApprove')).not.toHaveProperty('condition');
    expect(result.plan.nodes['bigOrder']?.upstream).toEqual(['approve', 'check']);
  });

  it('lets a branch read its ancestors but not a parallel branch', () => {
    const doc = docWith(
      [delayNode('start'), delayNode('left'), delayNode('right', { ms: expr('steps.left.ms') }), delayNode('join', { ms: expr('steps.left.ms + steps.right.ms') })],
      [
        { id: 'a', source: 'start', target: 'left' },
        { id: 'b', source: 'start', target: 'right' },
        { id: 'c', source: 'left', target: 'join' },
        { id: 'd', source: 'right', target: 'join' },
      ],
    );
    const errors = errorsOf(doc);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'not_upstream', nodeId: 'right', path: ['parameters', 'ms'] });
    expect(errors[0]?.message.en).toContain('steps.left');
  });
});
