import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import i18next from 'i18next';
import type { ValueMapTables } from '@qiao/flow';
import { ExpressionEditor } from './expression-editor';
import { ExpressionScopeContext, type ExpressionScope, type ExpressionTarget } from './expression-scope';
import { ParamField } from './param-field';
import { SampleDataContext, emptySampleData, type SampleData } from './sample-data';

const sample: SampleData = {
  event: { id: 'e-1', type: 'com.qiao.order', data: { orderNo: 'SO-7', customer: 'CRM-1', lines: [{ qty: 2 }, { qty: 3 }] } },
  nodes: { saveOrder: { status: 'succeeded', output: { number: 'XSDD0001' } }, elsewhere: { status: 'succeeded', output: { secret: 1 } } },
};

function Harness({ initial, data = sample, valueMaps = {}, onTarget }: { initial: string; data?: SampleData; valueMaps?: ValueMapTables; onTarget?: (t: ExpressionTarget | null) => void }) {
  const [value, setValue] = useState(initial);
  const [target, setTarget] = useState<ExpressionTarget | null>(null);
  const scope: ExpressionScope = {
    upstream: ['saveOrder'],
    valueMaps,
    target,
    setTarget: (t) => {
      setTarget(t);
      onTarget?.(t);
    },
  };
  return (
    <SampleDataContext value={data}>
      <ExpressionScopeContext value={scope}>
        <label htmlFor="ed">FBillNo</label>
        <ExpressionEditor id="ed" label="FBillNo" value={value} onChange={setValue} />
        <button type="button" onClick={() => target?.insert('steps.saveOrder.number')}>
          pick
        </button>
      </ExpressionScopeContext>
    </SampleDataContext>
  );
}

const editor = () => screen.getByRole('textbox', { name: 'FBillNo' }) as HTMLTextAreaElement;
const type = (text: string) => fireEvent.change(editor(), { target: { value: text } });

describe('ExpressionEditor', () => {
  it('checks syntax as you type with the compiler rules and marks the error position', async () => {
    render(<Harness initial="" />);
    type('event.data.(orderNo');
    const error = await screen.findByTestId('expression-syntax-error');
    expect(error.textContent).toContain('Error at line 1, column 19');
    expect(error.textContent).toContain('Expected ")" before end of expression');
    expect(editor().getAttribute('aria-invalid')).toBe('true');
    type('$eval("1+1")');
    expect((await screen.findByTestId('expression-syntax-error')).textContent).toContain('The $eval function is not available');
    // JSONata positions point just past the offending token: its last character is marked.
    expect(screen.getByTestId('expression-syntax-error').querySelector('mark')?.textContent).toBe('l');
    type('$match(event.x, /(a)\\1/)');
    expect((await screen.findByTestId('expression-syntax-error')).textContent).toContain('Backreferences');
    type('event.data.orderNo');
    expect(await screen.findByText('✓ Syntax OK')).toBeTruthy();
    expect(editor().getAttribute('aria-invalid')).toBeNull();
  });

  it('shows the syntax error in Chinese when the interface is Chinese', async () => {
    await i18next.changeLanguage('zh-CN');
    try {
      render(<Harness initial="" />);
      type('event.data.');
      expect((await screen.findByTestId('expression-syntax-error')).textContent).toContain('第 1 行第 11 列有错误：表达式意外结束');
    } finally {
      await i18next.changeLanguage('en');
    }
  });

  it('previews the result against the sample data, seeing only upstream outputs', async () => {
    render(<Harness initial="" />);
    type('event.data.orderNo & "/" & steps.saveOrder.number');
    expect(await screen.findByText('"SO-7/XSDD0001"')).toBeTruthy();
    type('$sum(event.data.lines.qty)');
    expect(await screen.findByText('5')).toBeTruthy();
    type('steps.elsewhere.secret');
    expect(await screen.findByText('No value: the expression selects nothing.')).toBeTruthy();
    type('$number("x") + event.data.orderNo');
    expect((await screen.findByText(/^Fails with the sample data/)).textContent).toContain('The expression failed');
  });

  it('previews value maps with $valueMap', async () => {
    render(<Harness initial="" valueMaps={{ customers: { 'CRM-1': 'ERP-9' } }} />);
    type(`$valueMap('customers', event.data.customer)`);
    expect(await screen.findByText('"ERP-9"')).toBeTruthy();
    type(`$valueMap('customers', 'CRM-2')`);
    expect((await screen.findByText(/^Fails with the sample data/)).textContent).toContain('customers has no entry for the key "CRM-2"');
  });

  it('says clearly when there is no sample data to preview with', async () => {
    render(<Harness initial="event.data.orderNo" data={emptySampleData} />);
    expect(await screen.findByText('No sample data yet — run a test or pin a sample event to preview the result.')).toBeTruthy();
  });

  it('registers as the mapping target on focus and inserts at the cursor', async () => {
    const targets: (ExpressionTarget | null)[] = [];
    render(<Harness initial={'"SO-" & '} onTarget={(t) => targets.push(t)} />);
    await userEvent.click(editor());
    expect(targets.at(-1)?.label).toBe('FBillNo');
    editor().setSelectionRange(0, 0);
    fireEvent.select(editor());
    await userEvent.click(screen.getByRole('button', { name: 'pick' }));
    expect(editor().value).toBe('steps.saveOrder.number"SO-" & ');
    expect(editor().selectionStart).toBe('steps.saveOrder.number'.length);
    expect(document.activeElement).toBe(editor());
  });
});

describe('ParamField: literal ⇄ expression', () => {
  function Field({ initial, onValue }: { initial: unknown; onValue: (v: unknown) => void }) {
    const [value, setValue] = useState<unknown>(initial);
    return (
      <SampleDataContext value={sample}>
        <ParamField name="qty" schema={{ type: 'number' }} required value={value} problems={[]} onChange={(v) => { setValue(v); onValue(v); }} />
      </SampleDataContext>
    );
  }

  it('turns a literal into its JSONata literal, previews it, and a literal expression back into the literal', async () => {
    const values: unknown[] = [];
    render(<Field initial={12} onValue={(v) => values.push(v)} />);
    const toggle = screen.getByRole('button', { name: 'Use an expression for qty' });
    await userEvent.click(toggle);
    expect(values.at(-1)).toEqual({ $expr: '12' });
    expect(await within(screen.getByTestId('expression-preview')).findByText('12')).toBeTruthy();
    fireEvent.change(screen.getByRole('textbox', { name: /^qty/ }), { target: { value: '42' } });
    await userEvent.click(toggle);
    expect(values.at(-1)).toBe(42);
    expect((screen.getByRole('spinbutton', { name: 'qty' }) as HTMLInputElement).value).toBe('42');
  });
});
