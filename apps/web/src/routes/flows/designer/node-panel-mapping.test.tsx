import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import type { EditorDocument, EditorEdge, EditorNode } from '../../../lib/flow-editor-model';
import { SampleDataContext, type SampleData } from './sample-data';
import { EdgePanel, NodePanel, TriggerPanel } from './side-panel';
import type { NodeTypeInfo } from './types';

const label = (en: string) => ({ en, 'zh-CN': en });
const saveBill = {
  type: 'kingdee.saveBill',
  connectorId: null,
  label: label('Save bill'),
  description: null,
  group: 'erp',
  params: { type: 'object', properties: { formId: { type: 'string' }, customer: { type: 'string' } }, required: ['formId'] },
  output: { type: 'object', properties: { id: { type: 'string' }, number: { type: 'string' } } },
} as unknown as NodeTypeInfo;
const infos = new Map([[saveBill.type, saveBill]]);

const node = (id: string, parameters: Record<string, unknown> = {}): EditorNode => ({ id, type: 'kingdee.saveBill', parameters, position: { x: 0, y: 0 } });
const doc: EditorDocument = {
  schemaVersion: 1,
  name: 'f',
  trigger: { eventType: 'com.qiao.order' },
  nodes: [node('saveOrder'), node('pushOut', { formId: 'X' }), node('unrelated')],
  edges: [{ id: 'e1', source: 'saveOrder', target: 'pushOut' }],
  valueMaps: [{ name: 'customers', entries: [{ key: 'C1', value: 'ERP-1' }] }],
};
const sample: SampleData = { event: { id: 'e', data: { customer: 'C1' } }, nodes: { saveOrder: { status: 'succeeded', output: { id: '1', number: 'SO-9' } } } };

function Panel() {
  const [current, setCurrent] = useState(doc);
  const selected = current.nodes[1];
  if (!selected) throw new Error('fixture');
  return (
    <SampleDataContext value={sample}>
      <NodePanel node={selected} info={saveBill} connections={[]} errors={[]} doc={current} infos={infos} onChange={(update) => setCurrent((d) => ({ ...d, nodes: d.nodes.map((n) => (n.id === selected.id ? update(n) : n)) }))} />
    </SampleDataContext>
  );
}

describe('NodePanel field mapping', () => {
  it('lists only upstream outputs, and inserts a picked field into the focused expression, previewed with the sample', async () => {
    render(<Panel />);
    const refs = screen.getAllByRole('treeitem').map((r) => r.getAttribute('data-reference'));
    expect(refs).toContain('steps.saveOrder');
    expect(refs).not.toContain('steps.unrelated');
    await userEvent.click(screen.getByRole('button', { name: 'Use an expression for customer' }));
    const editor = screen.getByRole('textbox', { name: /^customer/ }) as HTMLTextAreaElement;
    await userEvent.click(editor);
    expect(screen.getByTestId('mapping-target').textContent).toBe('Inserts into: customer');
    await userEvent.click(screen.getByRole('button', { name: 'Expand saveOrder · Save bill' }));
    const number = screen.getAllByRole('treeitem').find((r) => r.getAttribute('data-reference') === 'steps.saveOrder.number');
    if (!number) throw new Error('row');
    await userEvent.click(number);
    expect(editor.value).toBe('steps.saveOrder.number');
    expect(await screen.findByText('"SO-9"')).toBeTruthy();
    // And the flow's value maps are there for the preview.
    await userEvent.clear(editor);
    await userEvent.type(editor, "$valueMap('customers', event.data.customer)");
    expect(await screen.findByText('"ERP-1"')).toBeTruthy();
  });
});

describe('Edge condition and trigger filter editors', () => {
  it('checks and previews an edge condition against the source step\'s sample output', async () => {
    const first = doc.edges[0];
    if (!first) throw new Error('fixture');
    const edge: EditorEdge = first;
    function Edge() {
      const [condition, setCondition] = useState('');
      return (
        <SampleDataContext value={sample}>
          <EdgePanel edge={{ ...edge, condition }} names={new Map()} errors={[]} doc={doc} onChange={(c) => setCondition(c)} />
        </SampleDataContext>
      );
    }
    render(<Edge />);
    const box = screen.getByRole('textbox', { name: 'Condition (JSONata, optional)' });
    await userEvent.type(box, "steps.saveOrder.number = 'SO-9'");
    expect(await screen.findByText('true')).toBeTruthy();
  });

  it('previews the trigger filter with the event only', async () => {
    function Trigger() {
      const [current, setCurrent] = useState(doc);
      return (
        <SampleDataContext value={sample}>
          <TriggerPanel doc={current} errors={[]} onChange={(trigger) => setCurrent((d) => ({ ...d, trigger }))} />
        </SampleDataContext>
      );
    }
    render(<Trigger />);
    const box = screen.getByRole('textbox', { name: 'Filter (JSONata, optional)' });
    await userEvent.type(box, "event.data.customer = 'C1' and $exists(steps.saveOrder)");
    expect(await screen.findByText('false')).toBeTruthy();
  });
});
