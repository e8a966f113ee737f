import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { FlowSettingsDialog, maxConcurrencyOf } from './flow-settings-dialog';

const setSettings = vi.hoisted(() => vi.fn());
vi.mock('../../trpc', () => ({ trpc: { flows: { setSettings: { mutate: setSettings } } } }));

const FLOW = '33333333-3333-4333-8333-333333333333';

function view(settings: unknown, onClose = vi.fn()) {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <FlowSettingsDialog flowId={FLOW} settings={settings} onClose={onClose} />
    </QueryClientProvider>,
  );
  return onClose;
}

describe('flow settings', () => {
  it('reads the limit from the stored settings', () => {
    expect(maxConcurrencyOf({ maxConcurrency: 4 })).toBe(4);
    expect(maxConcurrencyOf({})).toBeNull();
    expect(maxConcurrencyOf({ maxConcurrency: -1 })).toBeNull();
  });

  it('refuses a limit that is not a whole number from 1, and saves a valid one', async () => {
    setSettings.mockResolvedValue({ settings: { maxConcurrency: 8 } });
    const onClose = view({ maxConcurrency: 4 });
    const input = screen.getByLabelText('Concurrent steps (limit)');
    expect((input as HTMLInputElement).value).toBe('4');
    await userEvent.clear(input);
    await userEvent.type(input, '0');
    expect(screen.getByText('A whole number from 1 to 10000, or empty.')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true);
    await userEvent.clear(input);
    await userEvent.type(input, '8');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(setSettings).toHaveBeenCalledWith({ id: FLOW, maxConcurrency: 8 });
  });

  it('clears the limit when left empty', async () => {
    setSettings.mockResolvedValue({ settings: {} });
    view({ maxConcurrency: 4 });
    await userEvent.clear(screen.getByLabelText('Concurrent steps (limit)'));
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(setSettings).toHaveBeenCalledWith({ id: FLOW, maxConcurrency: null }));
  });
});
