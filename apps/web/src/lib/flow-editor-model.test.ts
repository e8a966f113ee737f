import { describe, expect, it } from 'vitest';
import { addNode, autoLayout, commit, connect, copySelection, createHistory, newNodeId, paste, redo, removeElements, summarize, toEditorDocument, undo } from './flow-editor-model';

const blank = toEditorDocument({ schemaVersion: 1, name: 'F', trigger: { eventType: 'com.x' }, nodes: [], edges: [] }, 'F');

describe('flow editor model', () => {
  it('fills a partial draft with empty parts', () => {
    const doc = toEditorDocument({ nodes: [{ id: 'a', type: 't.x' }] }, 'Name');
    expect(doc).toMatchObject({ schemaVersion: 1, name: 'Name', trigger: { eventType: '' }, nodes: [{ id: 'a', parameters: {}, position: { x: 0, y: 0 } }], edges: [] });
  });

  it('gives new nodes unique ids valid for the compiler', () => {
    expect(newNodeId('kingdee.saveBill', new Set())).toBe('saveBill');
    expect(newNodeId('kingdee.saveBill', new Set(['saveBill', 'saveBill_2']))).toBe('saveBill_3');
    expect(newNodeId('x.9lives', new Set())).toBe('node_9lives');
  });

  it('adds, connects and deletes; deleting a node removes its edges', () => {
    let doc = addNode(blank, 'kingdee.saveBill', { x: 1.4, y: 2.6 }, {}).doc;
    doc = addNode(doc, 'kingdee.pushBill', { x: 0, y: 100 }, {}).doc;
    doc = connect(doc, 'saveBill', 'pushBill');
    expect(connect(doc, 'saveBill', 'pushBill')).toBe(doc);
    expect(connect(doc, 'saveBill', 'saveBill')).toBe(doc);
    expect(doc.nodes[0]?.position).toEqual({ x: 1, y: 3 });
    expect(doc.edges).toEqual([{ id: 'saveBill__pushBill', source: 'saveBill', target: 'pushBill' }]);
    const removed = removeElements(doc, ['pushBill'], []);
    expect(removed.nodes.map((n) => n.id)).toEqual(['saveBill']);
    expect(removed.edges).toEqual([]);
  });

  it('pastes copies with new ids and the edges between them', () => {
    let doc = addNode(blank, 'k.a', { x: 0, y: 0 }, { p: 1 }).doc;
    doc = addNode(doc, 'k.b', { x: 0, y: 100 }, {}).doc;
    doc = connect(doc, 'a', 'b');
    const clip = copySelection(doc, new Set(['a', 'b']));
    if (!clip) throw new Error('nothing copied');
    const pasted = paste(doc, clip);
    expect(pasted.ids).toEqual(['a_2', 'b_2']);
    expect(pasted.doc.nodes.find((n) => n.id === 'a_2')).toMatchObject({ parameters: { p: 1 }, position: { x: 40, y: 40 } });
    expect(pasted.doc.edges.map((e) => [e.source, e.target])).toEqual([['a', 'b'], ['a_2', 'b_2']]);
    expect(copySelection(doc, new Set())).toBeNull();
  });

  it('undoes and redoes whole snapshots; a new edit clears redo', () => {
    const one = addNode(blank, 'k.a', { x: 0, y: 0 }, {}).doc;
    const two = addNode(one, 'k.b', { x: 0, y: 0 }, {}).doc;
    let h = commit(commit(createHistory(blank), one), two);
    h = undo(h);
    expect(h.present).toBe(one);
    h = undo(undo(h));
    expect(h.present).toBe(blank);
    h = redo(h);
    expect(h.present).toBe(one);
    h = commit(h, blank);
    expect(h.future).toEqual([]);
    expect(redo(h)).toBe(h);
  });

  it('summarizes set parameters, marking expressions and skipping defaults', () => {
    const schema = { properties: { submit: { default: false } } };
    expect(summarize({ formId: 'SAL_SaleOrder', submit: false, billNo: { $expr: 'event.data.orderNo' } }, schema)).toBe('formId: SAL_SaleOrder · billNo: ƒ event.data.orderNo');
    expect(summarize({ a: 'x'.repeat(100) }, undefined, 10)).toHaveLength(10);
    // Stored JSON may reorder keys; the card follows the schema's order and shortens long values.
    expect(summarize({ model: { $expr: 'x'.repeat(40) }, formId: 'F' }, { properties: { formId: {}, model: {} } })).toBe(`formId: F · model: ƒ ${'x'.repeat(21)}…`);
  });
});

describe('auto-layout', () => {
  it('puts each node on the row of its longest path and centres the rows', () => {
    let doc = blank;
    for (const type of ['k.a', 'k.b', 'k.c', 'k.d']) doc = addNode(doc, type, { x: 500, y: 500 }, {}).doc;
    doc = connect(connect(connect(connect(doc, 'a', 'b'), 'a', 'c'), 'b', 'd'), 'c', 'd');
    const laid = autoLayout(doc);
    expect(Object.fromEntries(laid.nodes.map((n) => [n.id, n.position]))).toEqual({ a: { x: 0, y: 0 }, b: { x: -120, y: 140 }, c: { x: 120, y: 140 }, d: { x: 0, y: 280 } });
  });

  it('terminates on a cycle', () => {
    let doc = addNode(addNode(blank, 'k.a', { x: 0, y: 0 }, {}).doc, 'k.b', { x: 0, y: 0 }, {}).doc;
    doc = connect(connect(doc, 'a', 'b'), 'b', 'a');
    expect(autoLayout(doc).nodes).toHaveLength(2);
  });
});
