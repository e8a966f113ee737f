import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { ReportBody } from './report-page';

const details = vi.hoisted(() => vi.fn());
vi.mock('../../trpc', () => ({ trpc: { reconciliation: { details: { query: details } } } }));

const type = (formId: string, role: string, extra: Record<string, unknown> = {}) => ({
  formId, role, qiaoCount: 3, erpCount: 3, qiaoAmount: '678.00', erpAmount: '678.00', missingInErp: 0, unknownToQiao: 0, notRecorded: 0, mismatched: 0, duplicates: 0, discrepancyRate: 0, ...extra,
});

const summary = {
  runs: { total: 3, succeeded: 3, inProgress: 0, needsAttention: 0, cancelled: 0 },
  types: [type('SAL_SaleOrder', 'order', { erpCount: 4, unknownToQiao: 1, mismatched: 1, discrepancyRate: 0.5 }), type('SAL_OUTSTOCK', 'outbound'), type('AR_receivable', 'receivable'), type('IV_SALESIC', 'invoice')],
  shippedNotInvoiced: 0, invoicedNotShipped: 0, outsidePeriod: 0, discrepancies: 2, documents: 13, discrepancyRate: 2 / 13,
};

function view() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter>
        <ReportBody id="22222222-2222-4222-8222-222222222222" summary={summary} />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe('a reconciliation report', () => {
  it('shows the rate and a row per document type with counts and amounts', () => {
    view();
    expect(screen.getByTestId('report-rate').textContent).toBe('15.38%');
    const table = screen.getByTestId('type-summary');
    const order = within(table).getByText('SAL_SaleOrder').closest('tr') as HTMLElement;
    expect(order.textContent).toContain('Sales order');
    expect(within(table).getAllByRole('row')).toHaveLength(5);
    expect(within(order).getAllByText('678.00')).toHaveLength(2);
  });

  it('drills down from a count to the documents, each linked to its run', async () => {
    details.mockResolvedValue({ total: 1, items: [{ kind: 'mismatch', formId: 'SAL_SaleOrder', billNo: 'SO-R-1', businessKey: 'SO-R-1', runId: 'run-1', diffs: [{ field: 'qty', expected: '5', actual: '2' }], note: '' }] });
    view();
    await userEvent.click(screen.getByRole('button', { name: 'Show Field mismatches of SAL_SaleOrder' }));
    const findings = await screen.findByTestId('findings');
    expect(details).toHaveBeenCalledWith({ id: '22222222-2222-4222-8222-222222222222', kind: 'mismatch', formId: 'SAL_SaleOrder', offset: 0, limit: 100 });
    expect(within(findings).getByRole('link', { name: 'SO-R-1' }).getAttribute('href')).toBe('/runs/run-1');
    expect(findings.textContent).toContain('Quantity: 5 → 2');
  });

  it('says when a kind has no documents', async () => {
    details.mockResolvedValue({ total: 0, items: [] });
    view();
    await userEvent.click(screen.getByRole('button', { name: /Duplicates/ }));
    expect(await screen.findByText('No documents of this kind.')).toBeTruthy();
  });
});
