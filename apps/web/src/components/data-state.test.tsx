import { TRPCClientError } from '@trpc/client';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { DataState } from './data-state';

const failure = TRPCClientError.from({ error: { message: 'This needs one of the roles: admin.', code: -32003, data: { code: 'FORBIDDEN', httpStatus: 403 } } });
const base = { data: undefined as string[] | undefined, error: null as unknown, isPending: false, isError: false, refetch: vi.fn() };

function view(query: typeof base) {
  return render(
    <DataState query={query} isEmpty={(d) => d.length === 0} empty="No flows yet.">
      {(d) => <ul>{d.map((x) => <li key={x}>{x}</li>)}</ul>}
    </DataState>,
  );
}

describe('DataState', () => {
  it('shows loading, then the data', () => {
    const { rerender } = view({ ...base, isPending: true });
    expect(screen.getByRole('status').textContent).toBe('Loading…');
    rerender(
      <DataState query={{ ...base, data: ['a', 'b'] }} isEmpty={(d) => d.length === 0}>
        {(d) => <ul>{d.map((x) => <li key={x}>{x}</li>)}</ul>}
      </DataState>,
    );
    expect(screen.getAllByRole('listitem')).toHaveLength(2);
  });

  it('shows the empty text for an empty list', () => {
    view({ ...base, data: [] });
    expect(screen.getByText('No flows yet.')).toBeTruthy();
  });

  it("shows the server's message and retries on request", async () => {
    const refetch = vi.fn();
    view({ ...base, isError: true, error: failure, refetch });
    expect(screen.getByRole('alert').textContent).toContain('This needs one of the roles: admin.');
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(refetch).toHaveBeenCalledTimes(1);
  });

  it('keeps the data on screen when a refresh fails', () => {
    view({ ...base, data: ['a'], isError: true, error: new TypeError('Failed to fetch') });
    expect(screen.getByRole('alert').textContent).toContain('Cannot reach the Qiao server');
    expect(screen.getByRole('listitem').textContent).toBe('a');
  });
});
