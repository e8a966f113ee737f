import { describe, expect, it } from 'vitest';
import { compile } from './compile';
import { at, delayNode, docWith, errorsOf, expectBilingual, only, orderToInvoice, registry } from './compile.fixtures';
import { expr } from './document';
import type { CompileError } from './errors';

describe('compile: every error class', () => {
  it('schema: reports zod issues with node id and a node-relative path', () => {
    const doc = orderToInvoice();
    const node = doc.nodes[1];
    if (!node) throw new Error('fixture');
    node.retry = { maxAttempts: 50 };
    const errors = errorsOf(doc);
    expect(errors).toEqual([expect.objectContaining({ code: 'schema', nodeId: 'pushOutbound', path: ['retry', 'maxAttempts'] })]);
    expect(errors[0]?.message.en).toBe('Field retry.maxAttempts of node pushOutbound must be at most 20');
    expect(errors[0]?.message['zh-CN']).toBe('节点 pushOutbound 的字段 retry.maxAttempts 必须小于或等于 20');
  });

  it('schema: a node id that cannot be a JSONata name, a missing field and a misspelt edge key', () => {
    const doc = docWith([delayNode('1st'), delayNode('ok')], [{ id: 'e', source: 'ok', target: '1st', conditon: 'true' } as never]);
    (doc as { name?: string }).name = undefined;
    const errors = errorsOf(doc);
    const byPath = (p: string): CompileError | undefined => errors.find((e) => e.path.join('.') === p);
    expect(byPath('id')).toMatchObject({ code: 'schema', nodeId: '1st' });
    expect(byPath('id')?.message.en).toContain('must start with a letter or underscore');
    expect(byPath('name')).toMatchObject({ code: 'schema', path: ['name'] });
    expect(byPath('name')?.message).toEqual({ en: 'Field name is required', 'zh-CN': '字段 name 为必填项' });
    const unknownKey = errors.find((e) => e.edgeId === 'e');
    expect(unknownKey).toMatchObject({ code: 'schema', path: [] });
    expect(unknownKey?.message.en).toBe('Edge e has unknown field: conditon');
    for (const e of errors) expectBilingual(e);
  });

  it('schema: refuses reserved node ids', () => {
    const errors = errorsOf(docWith([delayNode('__proto__'), delayNode('null')]));
    expect(errors).toEqual([
      expect.objectContaining({ code: 'schema', nodeId: '__proto__', path: ['id'] }),
      expect.objectContaining({ code: 'schema', nodeId: 'null', path: ['id'] }),
    ]);
    expect(errors[1]?.message.en).toBe('Field id of node null is a reserved name; choose another node id');
    errors.forEach(expectBilingual);
  });

  it('schema: refuses edge ids that reach Object.prototype', () => {
    const edges = ['__proto__', 'constructor', 'prototype', 'null'].map((id) => ({ id, source: 'a', target: 'b', condition: 'false' }));
    const errors = errorsOf(docWith([delayNode('a'), delayNode('b')], edges));
    expect(errors).toEqual([
      expect.objectContaining({ code: 'schema', edgeId: '__proto__', path: ['id'] }),
      expect.objectContaining({ code: 'schema', edgeId: 'constructor', path: ['id'] }),
      expect.objectContaining({ code: 'schema', edgeId: 'prototype', path: ['id'] }),
    ]);
    expect(errors[0]?.message.en).toBe('Field id of edge __proto__ is a reserved name; choose another edge id');
    expect(errors[0]?.message['zh-CN']).toContain('是保留名称，请换一个连线 ID');
    errors.forEach(expectBilingual);
  });

  it('schema: a non-object document', () => {
    const errors = errorsOf('not a flow');
    expect(errors[0]).toMatchObject({ code: 'schema', path: [] });
  });

  it('duplicate_id: nodes and edges', () => {
    const errors = errorsOf(
      docWith(
        [delayNode('a'), delayNode('b'), delayNode('a')],
        [
          { id: 'e', source: 'a', target: 'b' },
          { id: 'e', source: 'a', target: 'b' },
        ],
      ),
    );
    const dups = only(errors, 'duplicate_id');
    expect(dups).toEqual([
      expect.objectContaining({ nodeId: 'a', path: ['id'] }),
      expect.objectContaining({ edgeId: 'e', path: ['id'] }),
    ]);
    dups.forEach(expectBilingual);
  });

  it('dangling_edge: missing source or target', () => {
    const errors = errorsOf(
      docWith(
        [delayNode('a')],
        [
          { id: 'in', source: 'ghost', target: 'a' },
          { id: 'out', source: 'a', target: 'phantom' },
        ],
      ),
    );
    expect(only(errors, 'dangling_edge')).toEqual([
      expect.objectContaining({ edgeId: 'in', path: ['source'] }),
      expect.objectContaining({ edgeId: 'out', path: ['target'] }),
    ]);
    expect(errors[0]?.message.en).toBe('Edge in starts at node ghost, which does not exist');
    expect(errors[0]?.message['zh-CN']).toBe('连线 in 的起点节点 ghost 不存在');
  });

  it('cycle: a self-loop', () => {
    const errors = errorsOf(docWith([delayNode('a')], [{ id: 'loop', source: 'a', target: 'a' }]));
    expect(errors).toEqual([expect.objectContaining({ code: 'cycle', edgeId: 'loop', nodeId: 'a', path: ['target'] })]);
    expectBilingual(errors[0] as CompileError);
  });

  it('cycle: reports every node on the cycle, each with a loop through it', () => {
    const errors = errorsOf(
      docWith(
        [delayNode('entry'), delayNode('a'), delayNode('b'), delayNode('c'), delayNode('after')],
        [
          { id: 'e0', source: 'entry', target: 'a' },
          { id: 'e1', source: 'a', target: 'b' },
          { id: 'e2', source: 'b', target: 'c' },
          { id: 'e3', source: 'c', target: 'a' },
          { id: 'e4', source: 'c', target: 'after' },
        ],
      ),
    );
    const cycles = only(errors, 'cycle');
    expect(cycles.map((e) => e.nodeId)).toEqual(['a', 'b', 'c']);
    expect(cycles.every((e) => e.path.length === 0)).toBe(true);
    expect(cycles[0]?.message.en).toBe('Node a is part of a cycle: a → b → c → a');
    expect(cycles[1]?.message['zh-CN']).toBe('节点 b 处于循环中：b → c → a → b');
  });

  it('unknown_node_type', () => {
    const errors = errorsOf(docWith([{ id: 'x', type: 'sap.rfc', position: at, parameters: {} }]));
    expect(errors).toEqual([expect.objectContaining({ code: 'unknown_node_type', nodeId: 'x', path: ['type'] })]);
    expect(errors[0]?.message).toEqual({ en: 'Node x has unknown type sap.rfc', 'zh-CN': '节点 x 的类型 sap.rfc 不存在' });
  });

  it('missing_connection: a connector node without connectionId', () => {
    const doc = orderToInvoice();
    delete doc.nodes[2]?.connectionId;
    const errors = errorsOf(doc);
    expect(errors).toEqual([expect.objectContaining({ code: 'missing_connection', nodeId: 'pushReceivable', path: ['connectionId'] })]);
    expect(errors[0]?.message.en).toBe('Node pushReceivable needs a kingdee connection');
    expectBilingual(errors[0] as CompileError);
  });

  it('invalid_parameter: required, wrong type, too small, enum — with full paths', () => {
    const doc = orderToInvoice();
    const node = doc.nodes[0];
    if (!node) throw new Error('fixture');
    node.parameters = {
      formId: 'SAL_SaleOrder',
      model: { FBillNo: 42, FEntity: [{ FMaterialId: 'M1', FQty: 0 }] },
      mode: 'publish',
    };
    const errors = only(errorsOf(doc), 'invalid_parameter');
    const atPath = (p: string): CompileError | undefined => errors.find((e) => e.path.join('.') === p);
    expect(errors.every((e) => e.nodeId === 'saveOrder')).toBe(true);
    expect(atPath('parameters.model.FCustId')?.message).toEqual({ en: 'Parameter model.FCustId is required', 'zh-CN': '参数 model.FCustId 为必填项' });
    expect(atPath('parameters.model.FBillNo')?.message).toEqual({
      en: 'Parameter model.FBillNo must be a string (got number)',
      'zh-CN': '参数 model.FBillNo 应为字符串，实际为数字',
    });
    expect(atPath('parameters.model.FEntity.0.FQty')?.message).toEqual({
      en: 'Parameter model.FEntity[0].FQty must be greater than 0',
      'zh-CN': '参数 model.FEntity[0].FQty 必须大于 0',
    });
    expect(atPath('parameters.mode')?.message).toEqual({
      en: 'Parameter mode must be one of: "draft", "submit", "audit"',
      'zh-CN': '参数 mode 必须是以下值之一："draft"、"submit"、"audit"',
    });
    expect(errors).toHaveLength(4);
  });

  it('invalid_parameter: ignores issues at or inside expression positions, keeps the rest', () => {
    const doc = docWith([
      // The whole object and a field are expressions: nothing to report for them.
      delayNode('a', { ms: expr('event.data.delay'), jitterMs: expr('event.data.jitter') }),
      // The cross-field refinement depends on an expression, so it cannot be judged.
      delayNode('b', { ms: expr('event.data.delay'), jitterMs: 100_000 }),
      // A literal next to an expression is still checked.
      delayNode('c', { ms: 90_000, jitterMs: expr('1') }),
    ]);
    const errors = errorsOf(doc);
    expect(errors).toEqual([expect.objectContaining({ code: 'invalid_parameter', nodeId: 'c', path: ['parameters', 'ms'] })]);
    expect(errors[0]?.message.en).toBe('Parameter ms must be at most 60000');
  });

  it('invalid_parameter: reports refinements over literal values', () => {
    const errors = errorsOf(docWith([delayNode('a', { ms: 10, jitterMs: 20 })]));
    expect(errors).toEqual([expect.objectContaining({ code: 'invalid_parameter', nodeId: 'a', path: ['parameters'] })]);
    expect(errors[0]?.message.en).toContain('jitter exceeds delay');
  });

  it('expression_syntax: in parameters, edge conditions and the trigger filter, with positions', () => {
    const doc = docWith(
      [delayNode('a', { ms: expr('event.data.(') }), delayNode('b')],
      [{ id: 'ab', source: 'a', target: 'b', condition: 'steps.a.ms >' }],
    );
    doc.trigger.filter = 'event.data.amount > > 1';
    const errors = only(errorsOf(doc), 'expression_syntax');
    expect(errors).toEqual([
      expect.objectContaining({ nodeId: 'a', path: ['parameters', 'ms'], position: 12 }),
      expect.objectContaining({ edgeId: 'ab', path: ['condition'] }),
      expect.objectContaining({ path: ['trigger', 'filter'] }),
    ]);
    expect(errors[0]?.message.en).toBe('The expression in parameter ms of node a has an error at position 12: Expected ")" before end of expression');
    expect(errors[0]?.message['zh-CN']).toBe('节点 a 的参数 ms 中的表达式在第 12 个字符处有错误：表达式结束前缺少 ")"');
    errors.forEach(expectBilingual);
  });

  it('expression_syntax: refuses $eval, and regexes RE2 cannot run, when compiling rather than running', () => {
    const doc = docWith(
      [
        delayNode('a', {
          ms: expr('$eval("1")'),
          jitterMs: expr('$match(event.data.s, /(a)\\1/) ? 1 : 0'),
        }),
        delayNode('b'),
      ],
      [{ id: 'ab', source: 'a', target: 'b', condition: '$contains(event.data.s, /x(?=y)/)' }],
    );
    doc.trigger.filter = '$contains(event.data.s, /(?<!x)y/)';
    const errors = only(errorsOf(doc), 'expression_syntax');
    expect(errors).toEqual([
      expect.objectContaining({ nodeId: 'a', path: ['parameters', 'ms'] }),
      expect.objectContaining({ nodeId: 'a', path: ['parameters', 'jitterMs'], position: 28 }),
      expect.objectContaining({ edgeId: 'ab', path: ['condition'] }),
      expect.objectContaining({ path: ['trigger', 'filter'] }),
    ]);
    expect(errors[0]?.message.en).toContain('$eval');
    expect(errors[1]?.message.en).toBe(
      'The expression in parameter jitterMs of node a has an error at position 28: Backreferences (\\1, \\k<name>) are not supported in regular expressions. ' +
        'Qiao runs regular expressions with RE2, an engine whose matching time grows only linearly with the text, so that no pattern can hang a flow; it has no backtracking',
    );
    expect(errors[1]?.message['zh-CN']).toContain('正则表达式不支持反向引用');
    expect(errors[2]?.message.en).toContain('Lookahead ((?=…), (?!…)) is not supported');
    expect(errors[2]?.message['zh-CN']).toContain('先行断言');
    expect(errors[3]?.message.en).toContain('Lookbehind ((?<=…), (?<!…)) is not supported');
    expect(errors[3]?.message['zh-CN']).toContain('后行断言');
    errors.forEach(expectBilingual);
  });

  it('expression_syntax: accepts the regexes that used to be refused for nested repetition', () => {
    const doc = docWith([delayNode('a', { ms: expr('$match(event.data.s, /(a+)+$/) ? 1 : 0') })]);
    expect(compile(doc, registry)).toMatchObject({ ok: true });
  });

  it('unknown_reference: steps.X where X is no node, and steps in the trigger filter', () => {
    const doc = orderToInvoice();
    const node = doc.nodes[1];
    if (!node) throw new Error('fixture');
    node.parameters = { ...node.parameters, numbers: [expr('steps.saveOrdr.number')] };
    doc.trigger.filter = 'steps.saveOrder.number = "x"';
    const errors = only(errorsOf(doc), 'unknown_reference');
    expect(errors).toEqual([
      expect.objectContaining({ nodeId: 'pushOutbound', path: ['parameters', 'numbers', 0] }),
      expect.objectContaining({ path: ['trigger', 'filter'] }),
    ]);
    expect(errors[0]?.message.en).toBe('The expression in parameter numbers[0] of node pushOutbound refers to steps.saveOrdr, but there is no node saveOrdr');
    expect(errors[1]?.message['zh-CN']).toContain('只能使用 event');
  });

  it('not_upstream: a downstream node, the node itself, and the target of a conditional edge', () => {
    const doc = orderToInvoice();
    const [save, outbound] = doc.nodes;
    if (!save || !outbound) throw new Error('fixture');
    outbound.parameters = { ...outbound.parameters, ruleId: expr('steps.pushInvoice.numbers[0]') };
    save.parameters = { ...save.parameters, formId: expr('$steps.saveOrder.id') };
    const e3 = doc.edges[2];
    if (e3) e3.condition = 'steps.pushInvoice.ok';
    const errors = only(errorsOf(doc), 'not_upstream');
    expect(errors).toEqual([
      expect.objectContaining({ nodeId: 'saveOrder', path: ['parameters', 'formId'] }),
      expect.objectContaining({ nodeId: 'pushOutbound', path: ['parameters', 'ruleId'] }),
      expect.objectContaining({ edgeId: 'e3', path: ['condition'] }),
    ]);
    expect(errors[0]?.message.en).toContain('output of node saveOrder itself');
    expect(errors[1]?.message.en).toBe(
      'The expression in parameter ruleId of node pushOutbound refers to steps.pushInvoice, but node pushInvoice is not connected before it',
    );
    errors.forEach(expectBilingual);
  });

  it('empty_flow', () => {
    const errors = errorsOf(docWith([]));
    expect(errors).toEqual([expect.objectContaining({ code: 'empty_flow', path: ['nodes'] })]);
    expectBilingual(errors[0] as CompileError);
  });

  it('unsupported_version: newer and missing schemaVersion', () => {
    const newer = errorsOf({ ...orderToInvoice(), schemaVersion: 2 });
    expect(newer).toEqual([expect.objectContaining({ code: 'unsupported_version', path: ['schemaVersion'] })]);
    expectBilingual(newer[0] as CompileError);
    const { schemaVersion: _drop, ...rest } = orderToInvoice();
    expect(errorsOf(rest)[0]).toMatchObject({ code: 'unsupported_version' });
  });

  it('collects every error in one pass instead of stopping at the first', () => {
    const doc = docWith(
      [
        delayNode('a', { ms: expr('steps.nowhere') }),
        { id: 'b', type: 'kingdee.pushBill', position: at, parameters: {} },
        { id: 'c', type: 'unknown.type', position: at, parameters: {} },
        delayNode('d'),
      ],
      [
        { id: 'x', source: 'a', target: 'ghost' },
        { id: 'y', source: 'd', target: 'd' },
        { id: 'z', source: 'a', target: 'b', condition: '(' },
      ],
    );
    const codes = new Set(errorsOf(doc).map((e) => e.code));
    expect([...codes].sort()).toEqual(
      ['cycle', 'dangling_edge', 'expression_syntax', 'invalid_parameter', 'missing_connection', 'unknown_node_type', 'unknown_reference'].sort(),
    );
  });
});
