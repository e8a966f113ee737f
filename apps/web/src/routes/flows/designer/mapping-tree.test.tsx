import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { buildMappingTree } from '../../../lib/mapping-tree';
import { ExpressionScopeContext, type ExpressionScope, type ExpressionTarget } from './expression-scope';
import { MappingTree } from './mapping-tree';

const roots = buildMappingTree({
  event: { label: 'event', hasSample: true, sample: { id: 'e-1', type: 'com.qiao.order', data: { orderNo: 'SO-7', 'customer code': 'C1', lines: [{ qty: 2 }] } } },
  steps: [{ nodeId: 'saveOrder', label: 'Save order', schema: { type: 'object', properties: { number: { type: 'string' }, created: { type: 'boolean' } } }, hasSample: false }],
});

function renderTree(target: ExpressionTarget | null) {
  const scope: ExpressionScope = { upstream: ['saveOrder'], valueMaps: {}, target, setTarget: () => undefined };
  return render(
    <ExpressionScopeContext value={scope}>
      <MappingTree roots={roots} hasSample />
    </ExpressionScopeContext>,
  );
}

const rowNames = () => screen.getAllByRole('treeitem').map((r) => r.getAttribute('data-reference'));

describe('MappingTree', () => {
  it('renders the event from its sample and upstream outputs from their schema, with types and sample values', async () => {
    renderTree(null);
    expect(rowNames()).toEqual(['event', 'event.id', 'event.source', 'event.type', 'event.subject', 'event.time', 'event.data', 'steps.saveOrder']);
    const id = screen.getAllByRole('treeitem')[1];
    if (!id) throw new Error('row');
    expect(within(id).getByText('text')).toBeTruthy();
    expect(within(id).getByText('"e-1"')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Expand Save order' }));
    expect(rowNames()).toContain('steps.saveOrder.created');
    const created = screen.getAllByRole('treeitem').find((r) => r.getAttribute('data-reference') === 'steps.saveOrder.created');
    expect(created && within(created).getByText('yes/no')).toBeTruthy();
    expect(screen.getByText('Click into an expression (ƒx) first; picked fields are inserted there.')).toBeTruthy();
  });

  it('searches, moves with the arrow keys and inserts the quoted reference with Enter', async () => {
    const insert = vi.fn();
    renderTree({ id: 'x', label: 'FCustId', insert });
    expect(screen.getByTestId('mapping-target').textContent).toBe('Inserts into: FCustId');
    const search = screen.getByRole('combobox', { name: 'Search fields' });
    await userEvent.type(search, 'customer');
    expect(rowNames()).toEqual(['event', 'event.data', 'event.data.`customer code`']);
    await userEvent.keyboard('{ArrowDown}{ArrowDown}{Enter}');
    expect(insert).toHaveBeenCalledWith('event.data.`customer code`');
    expect(screen.getByRole('status').textContent).toBe('Inserted event.data.`customer code`');
  });

  it('opens and closes with Right/Left in the tree and inserts array items by index', async () => {
    const insert = vi.fn();
    renderTree({ id: 'x', label: 'qty', insert });
    const tree = screen.getByRole('tree');
    tree.focus();
    // The last row is steps.saveOrder; the one above it event.data.
    await userEvent.keyboard('{End}{ArrowUp}{ArrowRight}');
    expect(rowNames()).toContain('event.data.lines');
    await userEvent.keyboard('{ArrowDown}{ArrowDown}{ArrowDown}{ArrowRight}{ArrowRight}{ArrowRight}{ArrowRight}');
    expect(tree.getAttribute('aria-activedescendant')).toBe(screen.getAllByRole('treeitem').find((r) => r.getAttribute('data-reference') === 'event.data.lines[0].qty')?.id);
    await userEvent.keyboard('{Enter}');
    expect(insert).toHaveBeenLastCalledWith('event.data.lines[0].qty');
    await userEvent.keyboard('{ArrowLeft}{ArrowLeft}');
    expect(rowNames()).not.toContain('event.data.lines[0].qty');
  });

  it('inserts with a click, without taking the focus from the editor', async () => {
    const insert = vi.fn();
    renderTree({ id: 'x', label: 'n', insert });
    const row = screen.getAllByRole('treeitem').find((r) => r.getAttribute('data-reference') === 'event.type');
    if (!row) throw new Error('row');
    await userEvent.click(row);
    expect(insert).toHaveBeenCalledWith('event.type');
  });

  it('says so when nothing matches', async () => {
    renderTree(null);
    await userEvent.type(screen.getByRole('combobox', { name: 'Search fields' }), 'zzz');
    expect(screen.queryByRole('tree')).toBeNull();
    expect(screen.getByText('No field matches.')).toBeTruthy();
  });
});
