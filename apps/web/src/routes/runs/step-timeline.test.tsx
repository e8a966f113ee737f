import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { orderSteps, StepTimeline, type StepView } from './step-timeline';

const nodes = [
  { id: 'saveOrder', type: 'kingdee.saveBill', name: 'Save order' },
  { id: 'pushOutbound', type: 'kingdee.pushBill', name: 'Push outbound' },
  { id: 'pushInvoice', type: 'kingdee.pushBill', name: 'Push invoice' },
];

function step(partial: Partial<StepView> & Pick<StepView, 'nodeId' | 'status'>): StepView {
  return { id: partial.nodeId, attempt: 1, input: null, output: null, error: null, startedAt: null, finishedAt: null, durationMs: null, nextAttemptAt: null, attempts: [], ...partial };
}

const steps: StepView[] = [
  step({ nodeId: 'pushInvoice', status: 'pending', attempt: 0 }),
  step({
    nodeId: 'pushOutbound',
    status: 'retrying',
    attempt: 2,
    startedAt: '2026-11-27T02:00:02.000Z',
    error: { message: 'ERP answered HTTP 503', code: 'http_503', retryable: true },
    nextAttemptAt: '2026-11-27T02:00:10.000Z',
    attempts: [
      { id: '1', attempt: 1, startedAt: '2026-11-27T02:00:02.000Z', finishedAt: '2026-11-27T02:00:03.500Z', outcome: 'failed', error: { message: 'ERP answered HTTP 503' } },
      { id: '2', attempt: 2, startedAt: '2026-11-27T02:00:05.000Z', finishedAt: null, outcome: null, error: null },
    ],
  }),
  step({
    nodeId: 'saveOrder',
    status: 'succeeded',
    startedAt: '2026-11-27T02:00:00.000Z',
    finishedAt: '2026-11-27T02:00:01.250Z',
    durationMs: 1250,
    input: { formId: 'SAL_SaleOrder', billNo: 'SO-1' },
    output: { number: 'SO-1', lines: Array.from({ length: 80 }, (_, i) => ({ line: i, material: `01.${i}` })) },
  }),
];

describe('StepTimeline', () => {
  it('orders steps by start, unstarted ones last in flow order', () => {
    expect(orderSteps(steps, nodes).map((s) => s.nodeId)).toEqual(['saveOrder', 'pushOutbound', 'pushInvoice']);
  });

  it('shows each step with its name, status, tries, duration and start in Asia/Shanghai', () => {
    render(<StepTimeline steps={steps} nodes={nodes} />);
    const items = screen.getAllByTestId('step');
    expect(items.map((i) => i.getAttribute('data-node'))).toEqual(['saveOrder', 'pushOutbound', 'pushInvoice']);
    const first = within(items[0] as HTMLElement);
    expect(first.getByText('Save order')).toBeTruthy();
    expect(first.getByText('Succeeded')).toBeTruthy();
    expect(first.getByText('Tries: 1')).toBeTruthy();
    expect(first.getByText('1.3 s')).toBeTruthy();
    expect(first.getByText('2026-11-27 10:00:00')).toBeTruthy();
  });

  it('shows the error of a retrying step, when it tries next, and every try', () => {
    render(<StepTimeline steps={steps} nodes={nodes} />);
    const retrying = within(screen.getAllByTestId('step')[1] as HTMLElement);
    expect(retrying.getByRole('alert').textContent).toBe('ERP answered HTTP 503');
    expect(retrying.getByText('Next try at 2026-11-27 10:00:10')).toBeTruthy();
    const rows = retrying.getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(within(rows[1] as HTMLElement).getByText('failed')).toBeTruthy();
    expect(within(rows[1] as HTMLElement).getByText('1.5 s')).toBeTruthy();
    expect(within(rows[2] as HTMLElement).getByText('in progress')).toBeTruthy();
  });

  it('collapses a large output and keeps small input open', () => {
    render(<StepTimeline steps={steps} nodes={nodes} />);
    const first = screen.getAllByTestId('step')[0] as HTMLElement;
    const collapsed = first.querySelector('details.json-collapsed');
    expect(collapsed).not.toBeNull();
    expect(collapsed?.hasAttribute('open')).toBe(false);
    expect(collapsed?.querySelector('summary')?.textContent).toMatch(/^Large payload: \d+ lines/);
    expect(within(first).getByLabelText('Input of saveOrder').textContent).toContain('"billNo": "SO-1"');
  });

  it('says so when no step has started', () => {
    render(<StepTimeline steps={[]} nodes={nodes} />);
    expect(screen.getByText('No step has started yet.')).toBeTruthy();
  });
});
