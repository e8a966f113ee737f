import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import type { EditorValueMap } from '../../../lib/value-map-model';
import { ValueMapsDialog } from './value-maps-dialog';

function Harness({ initial, seen }: { initial: EditorValueMap[]; seen: EditorValueMap[][] }) {
  const [maps, setMaps] = useState(initial);
  return (
    <ValueMapsDialog
      maps={maps}
      errors={[]}
      onChange={(next) => {
        seen.push(next);
        setMaps(next);
      }}
      onClose={() => undefined}
    />
  );
}

describe('ValueMapsDialog', () => {
  it('adds a map, renames it, adds and edits rows, and flags a repeated key', async () => {
    const seen: EditorValueMap[][] = [];
    render(<Harness initial={[]} seen={seen} />);
    expect(screen.getByText('No value maps yet.')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: '+ Add value map' }));
    const name = screen.getByRole('textbox', { name: 'Name' });
    await userEvent.clear(name);
    expect(screen.getByRole('alert').textContent).toBe('A name is required.');
    await userEvent.type(name, 'customers');
    await userEvent.click(screen.getByRole('button', { name: '+ Add row' }));
    await userEvent.type(screen.getByRole('textbox', { name: 'Key 1' }), 'C1');
    await userEvent.type(screen.getByRole('textbox', { name: 'Value 1' }), 'ERP-1');
    await userEvent.click(screen.getByRole('button', { name: '+ Add row' }));
    await userEvent.type(screen.getByRole('textbox', { name: 'Key 2' }), 'C1');
    expect(screen.getByText('This key is already used in an earlier row.')).toBeTruthy();
    expect(seen.at(-1)).toEqual([{ name: 'customers', entries: [{ key: 'C1', value: 'ERP-1' }, { key: 'C1', value: '' }] }]);
    const second = screen.getAllByRole('button', { name: 'Delete row C1' })[1];
    if (!second) throw new Error('row');
    await userEvent.click(second);
    expect(seen.at(-1)?.[0]?.entries).toEqual([{ key: 'C1', value: 'ERP-1' }]);
    expect(screen.queryByText('This key is already used in an earlier row.')).toBeNull();
    expect(screen.getByText("$valueMap('customers', event.data.code)")).toBeTruthy();
  });

  it('imports rows pasted from Excel, updating known keys', async () => {
    const seen: EditorValueMap[][] = [];
    render(<Harness initial={[{ name: 'customers', entries: [{ key: 'C1', value: 'old' }] }]} seen={seen} />);
    await userEvent.click(screen.getByText('Paste from Excel / CSV'));
    fireEvent.change(screen.getByRole('textbox', { name: /Two columns/ }), { target: { value: 'CRM code\tERP number\nC1\tERP-1\nC2\tERP-2\n' } });
    await userEvent.click(screen.getByRole('checkbox', { name: 'First row is a header' }));
    await userEvent.click(screen.getByRole('button', { name: 'Import rows' }));
    expect(seen.at(-1)?.[0]?.entries).toEqual([{ key: 'C1', value: 'ERP-1' }, { key: 'C2', value: 'ERP-2' }]);
    expect(screen.getByText('1 added, 1 updated, 0 skipped.')).toBeTruthy();
  });

  it('deletes a map only after confirming', async () => {
    const seen: EditorValueMap[][] = [];
    render(<Harness initial={[{ name: 'units', entries: [{ key: 'pcs', value: 'PCS' }] }]} seen={seen} />);
    await userEvent.click(screen.getByRole('button', { name: 'Delete map' }));
    const confirm = screen.getByRole('dialog', { name: 'Delete value map units?' });
    expect(within(confirm).getByText(/its 1 row will be removed/)).toBeTruthy();
    await userEvent.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(seen).toEqual([]);
    await userEvent.click(screen.getByRole('button', { name: 'Delete map' }));
    await userEvent.click(within(screen.getByRole('dialog', { name: 'Delete value map units?' })).getByRole('button', { name: 'Delete map' }));
    expect(seen.at(-1)).toEqual([]);
    expect(screen.getByText('No value maps yet.')).toBeTruthy();
  });
});
