import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { OutboxPanel } from './outbox-panel';

const api = vi.hoisted(() => ({ list: vi.fn() }));
vi.mock('../../trpc', () => ({ trpc: { outbox: { list: { query: api.list } } } }));

const RUN = '22222222-2222-4222-8222-222222222222';
const base = { channel: 'dingtalk.robot', connectionId: 'c1', connectionName: '钉钉群机器人模拟器 DingTalk robot simulator (demo)', attempts: 0, nextAttemptAt: '2026-11-27T08:00:30.000Z', sentAt: null, runId: RUN, businessKey: 'SO-1001', createdAt: '2026-11-27T08:00:00.000Z', updatedAt: '2026-11-27T08:00:00.000Z', uncertain: false, error: null };
const items = [
  { ...base, id: 'm1', status: 'queued', attempts: 2, error: { code: 'dingtalk_410100', message: 'send too fast, exceed 20 times per minute' } },
  { ...base, id: 'm2', status: 'failed', attempts: 12, error: { code: 'dingtalk_310000', message: 'sign not match' }, runId: null, businessKey: null },
  { ...base, id: 'm3', status: 'sent', uncertain: true, sentAt: '2026-11-27T08:01:00.000Z' },
];
const counts = { waiting: 1, sending: 0, failed: 1, uncertain: 1 };

function view() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter>
        <OutboxPanel />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

beforeEach(() => vi.clearAllMocks());

describe('the outbox panel', () => {
  it('lists waiting, failed and uncertain messages with time, connection, status, run link and error', async () => {
    api.list.mockResolvedValue({ items, counts });
    view();
    const rows = await screen.findAllByTestId('outbox-row');
    expect(rows.map((r) => r.getAttribute('data-state'))).toEqual(['waiting', 'failed', 'uncertain']);
    const [waiting, failed, uncertain] = rows as [HTMLElement, HTMLElement, HTMLElement];
    expect(within(waiting).getByText('Waiting')).toBeTruthy();
    expect(within(waiting).getByText('dingtalk_410100')).toBeTruthy();
    expect(within(waiting).getByText(/exceed 20 times per minute/)).toBeTruthy();
    expect(within(waiting).getByText('DingTalk robot')).toBeTruthy();
    expect(within(waiting).getByRole('link', { name: 'SO-1001' }).getAttribute('href')).toBe(`/runs/${RUN}`);
    // Shown in Asia/Shanghai.
    expect(within(waiting).getAllByText('16:00:00').length).toBeGreaterThan(0);
    expect(within(failed).getByText('Failed')).toBeTruthy();
    expect(within(failed).queryByRole('link')).toBeNull();
    expect(within(uncertain).getByText('Uncertain')).toBeTruthy();
    expect(within(uncertain).getByText(/sent 2026-11-27 16:01/)).toBeTruthy();
    expect(screen.getByTestId('outbox-counts').textContent).toBe('Waiting 1 · Sending 0 · Failed 1 · Uncertain 1');
    expect(api.list).toHaveBeenCalledWith({ states: ['waiting', 'sending', 'failed', 'uncertain'], limit: 100 });
  });

  it('filters by state with the keyboard-accessible select', async () => {
    api.list.mockResolvedValue({ items, counts });
    view();
    await screen.findAllByTestId('outbox-row');
    api.list.mockResolvedValue({ items: [items[1]], counts });
    await userEvent.selectOptions(screen.getByLabelText('Show'), 'failed');
    expect(api.list).toHaveBeenLastCalledWith({ states: ['failed'], limit: 100 });
  });

  it('says so when nothing waits', async () => {
    api.list.mockResolvedValue({ items: [], counts: { waiting: 0, sending: 0, failed: 0, uncertain: 0 } });
    view();
    expect(await screen.findByText(/every message went out/)).toBeTruthy();
  });

  it('shows loading, then an error with a retry', async () => {
    let fail: (e: Error) => void = () => undefined;
    api.list.mockReturnValue(new Promise((_, reject) => (fail = reject)));
    view();
    expect(screen.getByRole('status').textContent).toMatch(/Loading/);
    fail(new Error('network down'));
    expect(await screen.findByRole('alert')).toBeTruthy();
    api.list.mockResolvedValue({ items, counts });
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findAllByTestId('outbox-row')).toHaveLength(3);
  });
});
