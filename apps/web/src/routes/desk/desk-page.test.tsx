import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DeskPage } from './desk-page';

const api = vi.hoisted(() => ({
  list: vi.fn(),
  retry: vi.fn(),
  cancel: vi.fn(),
  flows: vi.fn(),
  reports: vi.fn(),
}));

vi.mock('../../trpc', () => ({
  trpc: {
    desk: {
      list: { query: api.list },
      retry: { mutate: api.retry },
      skip: { mutate: vi.fn() },
      cancel: { mutate: api.cancel },
      bulkRetry: { mutate: vi.fn() },
      compensate: { mutate: vi.fn() },
      compensationReports: { query: api.reports },
    },
    flows: { list: { query: api.flows } },
    outbox: { list: { query: vi.fn().mockResolvedValue({ items: [], counts: { waiting: 0, sending: 0, failed: 0, uncertain: 0 } }) } },
  },
}));

const item = {
  runId: '11111111-1111-4111-8111-111111111111', flowId: 'f1', flowName: 'Order to invoice', businessKey: 'SO-1001', since: '2026-11-27T08:00:00.000Z',
  nodeId: 'pushOutbound', attempt: 20, input: { sourceNumbers: ['SO-1001'] },
  attempts: [{ attempt: 20, startedAt: '2026-11-27T07:59:00.000Z', finishedAt: null, outcome: 'failed', error: { code: 'k3_11', message: '库存不足 insufficient stock' } }],
  error: { kind: 'connector', code: 'k3_11', message: '库存不足 insufficient stock' }, category: 'erp_rejected',
};

function view() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter>
        <DeskPage />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

beforeEach(() => {
  vi.clearAllMocks();
  api.flows.mockResolvedValue([{ id: 'f1', name: 'Order to invoice' }]);
  api.reports.mockResolvedValue([]);
});

describe('the intervention desk', () => {
  it('lists each run needing attention with its step, classified error, input and attempts', async () => {
    api.list.mockResolvedValue([item]);
    view();
    const row = await screen.findByTestId('desk-row');
    expect(within(row).getByRole('link', { name: 'SO-1001' }).getAttribute('href')).toBe(`/runs/${item.runId}`);
    expect(within(row).getByText('pushOutbound')).toBeTruthy();
    expect(within(row).getByText('ERP rejected')).toBeTruthy();
    expect(within(row).getAllByText('库存不足 insufficient stock').length).toBeGreaterThan(0);
    await userEvent.click(within(row).getByRole('button', { name: 'Details' }));
    expect(screen.getByLabelText('Step input').textContent).toContain('SO-1001');
    expect(screen.getByRole('table', { name: 'Attempts so far' }).textContent).toContain('failed');
    expect(screen.getByRole('button', { name: 'Retry all shown (1)' })).toBeTruthy();
  });

  it('sends a retry once however often it is clicked while pending', async () => {
    api.list.mockResolvedValue([item]);
    let finish: (value: unknown) => void = () => undefined;
    api.retry.mockImplementation(() => new Promise((resolve) => (finish = resolve)));
    view();
    const button = await screen.findByRole('button', { name: 'Retry now' });
    await userEvent.click(button);
    await userEvent.click(button);
    await userEvent.dblClick(button);
    expect(api.retry).toHaveBeenCalledTimes(1);
    expect(api.retry).toHaveBeenCalledWith({ runId: item.runId, nodeId: 'pushOutbound', attempt: 20 });
    expect((button as HTMLButtonElement).disabled).toBe(true);
    finish({ ok: true });
    await waitFor(() => expect(api.list).toHaveBeenCalledTimes(2));
  });

  it('asks before cancelling a run', async () => {
    api.list.mockResolvedValue([item]);
    api.cancel.mockResolvedValue({ ok: true });
    view();
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel run' }));
    const dialog = screen.getByRole('dialog', { name: 'Cancel this run?' });
    expect(api.cancel).not.toHaveBeenCalled();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel run' }));
    await waitFor(() => expect(api.cancel).toHaveBeenCalledWith({ runId: item.runId }));
  });

  it('will not send edited input that is not JSON', async () => {
    api.list.mockResolvedValue([item]);
    view();
    await userEvent.click(await screen.findByRole('button', { name: 'Edit & retry' }));
    const editor = screen.getByLabelText('JSON');
    await userEvent.clear(editor);
    await userEvent.type(editor, '{{"qty": }');
    expect(screen.getByRole('alert').textContent).toContain('Not valid JSON at line 1');
    expect((screen.getByRole('button', { name: 'Save input and retry' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('says when nothing needs attention', async () => {
    api.list.mockResolvedValue([]);
    view();
    expect(await screen.findByText('Nothing needs attention. Runs that exhaust their retries appear here.')).toBeTruthy();
  });
});
