import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../../lib/schema-form-model';
import { ParamField } from './param-field';

function Harness({ schema, initial, onValue, problems = [] }: { schema: JsonSchema; initial?: unknown; onValue: (v: unknown) => void; problems?: string[] }) {
  const [value, setValue] = useState<unknown>(initial);
  return (
    <ParamField
      name="p"
      schema={schema}
      required
      value={value}
      problems={problems}
      onChange={(next) => {
        setValue(next);
        onValue(next);
      }}
    />
  );
}

describe('ParamField', () => {
  it('edits a text literal, switches it to an expression holding the literal, and back', async () => {
    const values: unknown[] = [];
    render(<Harness schema={{ type: 'string' }} onValue={(v) => values.push(v)} />);
    await userEvent.type(screen.getByRole('textbox', { name: 'p' }), 'AB');
    expect(values.at(-1)).toBe('AB');
    await userEvent.click(screen.getByRole('button', { name: 'Use an expression for p' }));
    expect(values.at(-1)).toEqual({ $expr: '"AB"' });
    expect(screen.getByRole('button', { name: 'Use an expression for p' }).getAttribute('aria-pressed')).toBe('true');
    const expr = screen.getByRole('textbox', { name: /^p/ });
    await userEvent.clear(expr);
    await userEvent.type(expr, 'event.data.orderNo');
    expect(values.at(-1)).toEqual({ $expr: 'event.data.orderNo' });
    await userEvent.click(screen.getByRole('button', { name: 'Use an expression for p' }));
    expect(values.at(-1)).toBeUndefined();
  });

  it('stores numbers as numbers, choices from the enum, and lists as JSON, refusing JSON that does not parse', async () => {
    const numbers: unknown[] = [];
    const { unmount } = render(<Harness schema={{ type: 'integer', default: 2000 }} onValue={(v) => numbers.push(v)} />);
    await userEvent.type(screen.getByRole('spinbutton', { name: 'p' }), '15');
    expect(numbers.at(-1)).toBe(15);
    unmount();

    const choices: unknown[] = [];
    const select = render(<Harness schema={{ type: 'string', enum: ['GET', 'POST'] }} onValue={(v) => choices.push(v)} />);
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'p' }), 'POST');
    expect(choices.at(-1)).toBe('POST');
    select.unmount();

    const lists: unknown[] = [];
    render(<Harness schema={{ type: 'array' }} onValue={(v) => lists.push(v)} />);
    const box = screen.getByRole('textbox', { name: 'p' });
    await userEvent.type(box, '[["A"');
    expect(screen.getByRole('alert').textContent).toBe('Not valid JSON.');
    await userEvent.type(box, ']');
    expect(lists.at(-1)).toEqual(['A']);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows the compiler\'s problems on the field', () => {
    render(<Harness schema={{ type: 'string' }} problems={['Parameter p is required']} onValue={() => undefined} />);
    expect(screen.getByRole('textbox', { name: 'p' }).getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('alert').textContent).toBe('Parameter p is required');
  });
});
