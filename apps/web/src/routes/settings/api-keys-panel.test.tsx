import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiKeysPanel } from './api-keys-panel';
import { parseScopes } from './api-key-settings-fields';

const api = vi.hoisted(() => ({
  list: vi.fn(),
  create: vi.fn(),
  update: vi.fn(),
  rotate: vi.fn(),
  revoke: vi.fn(),
}));
vi.mock('../../trpc', () => ({
  trpc: {
    apiKeys: {
      list: { query: api.list },
      create: { mutate: api.create },
      update: { mutate: api.update },
      rotateSigningSecret: { mutate: api.rotate },
      revoke: { mutate: api.revoke },
    },
  },
  isTrpcError: () => false,
}));

const row = { id: '00000000-0000-4000-8000-000000000001', name: 'CRM', source: '*', prefix: 'abcdef012345', createdAt: new Date(), revokedAt: null, lastUsedAt: null, scopes: ['com.acme.order.*'], requireSignature: false, rateLimitPerMinute: null, hasSigningSecret: false };

function view() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <ApiKeysPanel />
    </QueryClientProvider>,
  );
}

beforeEach(() => {
  vi.clearAllMocks();
  api.list.mockResolvedValue([row]);
});

describe('API keys panel', () => {
  it('lists scopes, signing and rate limit of each key', async () => {
    view();
    const cells = within(await screen.findByRole('row', { name: /CRM/ }));
    expect(cells.getByText('com.acme.order.*')).toBeTruthy();
    expect(cells.getByText('none')).toBeTruthy();
    expect(cells.getByText('default')).toBeTruthy();
  });

  it('creates a key with scopes and a signing secret, and shows both secrets once', async () => {
    const user = userEvent.setup();
    api.create.mockResolvedValue({ id: 'x', name: 'ERP', source: '*', prefix: 'p', scopes: ['com.acme.*'], key: 'qiao_key_shown_once', signingSecret: 'qsig_shown_once' });
    view();
    await user.click(await screen.findByRole('button', { name: 'New API key' }));
    const dialog = screen.getByRole('dialog', { name: 'New API key' });
    await user.type(within(dialog).getByLabelText(/^Name/), 'ERP');
    const scopes = within(dialog).getByLabelText(/^Event types/);
    await user.clear(scopes);
    await user.type(scopes, 'com.acme.*{Enter}com.acme.ping');
    const require = within(dialog).getByLabelText('Refuse unsigned requests');
    expect((require as HTMLInputElement).disabled).toBe(true);
    await user.click(within(dialog).getByLabelText(/Create a signing secret/));
    await user.click(require);
    await user.type(within(dialog).getByLabelText(/^Rate limit/), '120');
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }));
    expect(api.create).toHaveBeenCalledWith({ name: 'ERP', source: '*', scopes: ['com.acme.*', 'com.acme.ping'], withSigningSecret: true, requireSignature: true, rateLimitPerMinute: 120 });
    const shown = await screen.findByRole('dialog', { name: 'API key created' });
    expect(within(shown).getByTestId('new-api-key').textContent).toBe('qiao_key_shown_once');
    expect(within(shown).getByTestId('new-signing-secret').textContent).toBe('qsig_shown_once');
  });

  it('edits the scopes of a key and will not save without any', async () => {
    const user = userEvent.setup();
    api.update.mockResolvedValue({ ok: true });
    view();
    await user.click(await screen.findByRole('button', { name: 'Edit CRM' }));
    const dialog = screen.getByRole('dialog', { name: 'Settings of CRM' });
    const scopes = within(dialog).getByLabelText(/^Event types/);
    await user.clear(scopes);
    expect((within(dialog).getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true);
    await user.type(scopes, 'com.acme.invoice.created');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(api.update).toHaveBeenCalledWith({ id: row.id, scopes: ['com.acme.invoice.created'], requireSignature: false, rateLimitPerMinute: null });
  });

  it('parses scopes one per line or comma-separated', () => {
    expect(parseScopes(' a.b.* ,\n\nc.d\n')).toEqual(['a.b.*', 'c.d']);
  });
});
