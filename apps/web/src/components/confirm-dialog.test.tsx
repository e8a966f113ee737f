import { TRPCClientError } from '@trpc/client';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ConfirmDialog } from './confirm-dialog';

describe('ConfirmDialog', () => {
  it('puts focus on Cancel, keeps Tab inside, closes on Escape and gives focus back', async () => {
    const user = userEvent.setup();
    const onCancel = vi.fn();
    const outside = document.createElement('button');
    document.body.append(outside);
    outside.focus();
    const { unmount } = render(<ConfirmDialog title="Archive this flow?" message="It stops." confirmLabel="Archive" onConfirm={() => undefined} onCancel={onCancel} />);
    const dialog = screen.getByRole('dialog', { name: 'Archive this flow?' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel' }));
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Archive' }));
    await user.tab();
    expect(dialog.contains(document.activeElement)).toBe(true);
    await user.keyboard('{Escape}');
    expect(onCancel).toHaveBeenCalledTimes(1);
    unmount();
    expect(document.activeElement).toBe(outside);
    outside.remove();
  });

  it("confirms, and shows the server's message when the action failed", async () => {
    const onConfirm = vi.fn();
    const error = TRPCClientError.from({ error: { message: 'Flow 1 does not exist.', code: -32004, data: { code: 'NOT_FOUND', httpStatus: 404 } } });
    render(<ConfirmDialog title="Archive?" message="…" confirmLabel="Archive" onConfirm={onConfirm} onCancel={() => undefined} error={error} />);
    await userEvent.click(screen.getByRole('button', { name: 'Archive' }));
    expect(onConfirm).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('alert').textContent).toBe('Flow 1 does not exist.');
  });
});
