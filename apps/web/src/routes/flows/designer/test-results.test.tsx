import { fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import type { NodeSample } from './sample-data';
import { TestResults, type TestRunSummary } from './test-results';

const nodes = [
  { id: 'save', name: 'Save order' },
  { id: 'push', name: 'Push outbound' },
  { id: 'invoice', name: 'Invoice' },
];
const run: TestRunSummary = { id: '7a1c2d3e-0000-4000-8000-000000000001', status: 'running', error: null, createdAt: '2026-11-27T02:00:00.000Z', finishedAt: null, snapshot: 3 };
const samples: Record<string, NodeSample> = {
  save: { status: 'succeeded', input: { billNo: 'SO-1' }, output: { number: 'SO-1', lines: Array.from({ length: 60 }, (_, i) => ({ line: i })) }, durationMs: 1250 },
  push: { status: 'failed', input: { from: 'SO-1' }, error: { code: 'erp_rejected', message: 'Customer C-9 is unknown' }, durationMs: 300 },
};

function show(props: Partial<Parameters<typeof TestResults>[0]> = {}) {
  const handlers = { onSelect: vi.fn(), onRunNode: vi.fn(), onCancel: vi.fn(), onClose: vi.fn() };
  render(
    <MemoryRouter>
      <TestResults run={run} nodes={nodes} samples={samples} singleNodeIds={new Set()} selectedNodeId={null} {...handlers} {...props} />
    </MemoryRouter>,
  );
  return handlers;
}

describe('TestResults', () => {
  it('lists every step with status, duration and error, live while the run goes on', () => {
    const h = show();
    const rows = screen.getAllByTestId('test-result-row');
    expect(rows.map((r) => r.getAttribute('data-node-id'))).toEqual(['save', 'push', 'invoice']);
    expect(rows[0]?.textContent).toMatch(/Save order\s*Succeeded\s*1\.3 s|Save order.*Succeeded/);
    expect(rows[1]?.textContent).toContain('Customer C-9 is unknown');
    expect(rows[2]?.textContent).toContain('not run');
    expect(screen.getByText('updating…')).toBeTruthy();
    expect(screen.getByText(/draft snapshot #3/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Open run details' }).getAttribute('href')).toBe(`/runs/${run.id}`);
    fireEvent.click(screen.getByRole('button', { name: 'Stop test run' }));
    expect(h.onCancel).toHaveBeenCalledOnce();
    fireEvent.click(within(rows[1] as HTMLElement).getByRole('button', { name: 'Push outbound' }));
    expect(h.onSelect).toHaveBeenCalledWith('push');
  });

  it("shows the selected step's input, a large output collapsed, and offers a single-node run", () => {
    const h = show({ selectedNodeId: 'save', run: { ...run, status: 'succeeded', finishedAt: '2026-11-27T02:00:02.000Z' } });
    expect(screen.queryByText('updating…')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Stop test run' })).toBeNull();
    expect(screen.getByLabelText('Input of Save order')?.textContent).toContain('"billNo": "SO-1"');
    // 60 lines of output: collapsed behind a summary saying how large it is.
    const output = screen.getByLabelText('Output of Save order');
    expect(output.closest('details')?.hasAttribute('open')).toBe(false);
    expect(screen.getByText(/Large payload/)).toBeTruthy();
    fireEvent.click(screen.getByTestId('run-node'));
    expect(h.onRunNode).toHaveBeenCalledWith('save');
  });

  it('shows the error of a failed step and marks single-node results', () => {
    show({ selectedNodeId: 'push', singleNodeIds: new Set(['push']) });
    expect(screen.getByRole('alert')?.textContent).toContain('erp_rejected: Customer C-9 is unknown');
    expect(screen.getByText('single run')).toBeTruthy();
  });

  it('has an empty state before the first test run', () => {
    show({ run: null, samples: {} });
    expect(screen.getByText('No test run yet.')).toBeTruthy();
    expect(screen.getAllByText('not run')).toHaveLength(3);
    expect(screen.getByText('Select a step to see its input and output.')).toBeTruthy();
  });
});
