import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { LastUsed, RecentErrorsCell } from './connection-health';

describe('connection health', () => {
  it('shows last use relative to now, with the exact time on hover, or that it was never used', () => {
    const now = Date.parse('2026-11-27T12:00:00Z');
    render(<LastUsed value="2026-11-27T11:58:00Z" now={now} />);
    const time = screen.getByText('2 minutes ago');
    expect(time.getAttribute('dateTime')).toBe('2026-11-27T11:58:00Z');
    expect(time.getAttribute('title')).toMatch(/^Last used 2026-11-27 19:58/);
    render(<LastUsed value={null} />);
    expect(screen.getByText('Never used')).toBeTruthy();
  });

  it('shows the latest error and a keyboard-reachable toggle for the list', async () => {
    const onToggle = vi.fn();
    const { rerender } = render(<RecentErrorsCell name="meters" count={3} lastError="The broker refused the connection" open={false} onToggle={onToggle} />);
    expect(screen.getByText('The broker refused the connection')).toBeTruthy();
    const button = screen.getByRole('button', { name: 'Show the errors of meters (3)' });
    expect(button.getAttribute('aria-expanded')).toBe('false');
    button.focus();
    await userEvent.setup().keyboard('{Enter}');
    expect(onToggle).toHaveBeenCalledTimes(1);
    rerender(<RecentErrorsCell name="meters" count={3} lastError={null} open onToggle={onToggle} />);
    expect(screen.getByRole('button', { name: 'Hide the errors of meters' }).getAttribute('aria-expanded')).toBe('true');
    rerender(<RecentErrorsCell name="meters" count={0} lastError={null} open={false} onToggle={onToggle} />);
    expect(screen.getByText('None')).toBeTruthy();
  });
});
