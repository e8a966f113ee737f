import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { TestRunDialog } from './test-run-dialog';

const api = vi.hoisted(() => ({ pinSample: vi.fn(), start: vi.fn() }));
vi.mock('../../../trpc', () => ({ trpc: { testRuns: { pinSample: { mutate: api.pinSample }, start: { mutate: api.start } } } }));

const flowId = '5b0c7d1e-0000-4000-8000-000000000001';

function show(props: Partial<Parameters<typeof TestRunDialog>[0]> = {}) {
  const handlers = { beforeRun: vi.fn(() => Promise.resolve(true)), onPinned: vi.fn(), onStarted: vi.fn(), onClose: vi.fn() };
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { mutations: { retry: false } } })}>
      <TestRunDialog flowId={flowId} pinned={null} lastEvent={null} problems={0} canWrite {...handlers} {...props} />
    </QueryClientProvider>,
  );
  return handlers;
}

const editor = () => screen.getByTestId('sample-editor') as HTMLTextAreaElement;
const runButton = () => screen.getByTestId('start-test-run') as HTMLButtonElement;

beforeEach(() => {
  api.pinSample.mockReset();
  api.start.mockReset();
});

describe('TestRunDialog', () => {
  it('checks the JSON as it is typed and only runs a valid sample', async () => {
    const h = show();
    fireEvent.change(editor(), { target: { value: '{ "data": ' } });
    expect(screen.getByRole('alert').textContent).toMatch(/Not valid JSON/);
    expect(runButton().disabled).toBe(true);
    fireEvent.change(editor(), { target: { value: '{ "subject": "SO-1" }' } });
    expect(screen.getByRole('alert').textContent).toContain('needs a "data" field');
    fireEvent.change(editor(), { target: { value: '{ "subject": "SO-1", "data": { "orderNo": "SO-1" } }' } });
    expect(screen.queryByRole('alert')).toBeNull();
    api.start.mockResolvedValue({ runId: 'run-1', status: 'pending' });
    fireEvent.click(runButton());
    await waitFor(() => expect(h.onStarted).toHaveBeenCalledWith('run-1'));
    // The draft is saved before it is run.
    expect(h.beforeRun).toHaveBeenCalledOnce();
    expect(api.start).toHaveBeenCalledWith({ flowId, sample: { subject: 'SO-1', data: { orderNo: 'SO-1' } } });
  });

  it('pins the sample for the flow and knows when the text differs from the pin', async () => {
    const h = show({ pinned: { data: { a: 1 }, subject: 'S' } });
    // Same sample, keys in another order (as jsonb returns them): still the pinned one.
    fireEvent.change(editor(), { target: { value: '{ "subject": "S", "data": { "a": 1 } }' } });
    expect(screen.getByText('Pinned: everyone editing this flow uses this sample.')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Update pinned sample' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(editor(), { target: { value: '{ "data": { "a": 2 } }' } });
    expect(screen.getByText('Changed since it was pinned.')).toBeTruthy();
    api.pinSample.mockResolvedValue({ sample: { data: { a: 2 } } });
    fireEvent.click(screen.getByRole('button', { name: 'Update pinned sample' }));
    await waitFor(() => expect(h.onPinned).toHaveBeenCalledWith({ data: { a: 2 } }));
    expect(api.pinSample).toHaveBeenCalledWith({ flowId, sample: { data: { a: 2 } } });
    fireEvent.click(screen.getByRole('button', { name: 'Unpin' }));
    await waitFor(() => expect(h.onPinned).toHaveBeenCalledWith(null));
  });

  it('refuses to run a draft with problems, and lists the compile errors the server sends', async () => {
    show({ problems: 2 });
    expect(screen.getByText('The draft has 2 problems; fix them before a test run.')).toBeTruthy();
    expect(runButton().disabled).toBe(true);
  });

  it('shows the compile errors of a refused run', async () => {
    show();
    api.start.mockRejectedValue(
      TRPCClientError.from({
        error: {
          message: 'The draft has 1 error(s); fix them before a test run.', code: -32600,
          data: { code: 'BAD_REQUEST', httpStatus: 400, details: { compileErrors: [{ code: 'unknown_reference', nodeId: 'push', path: ['parameters', 'x'], message: { en: 'refers to step "ghost", which is not upstream', 'zh-CN': '引用了非上游步骤 "ghost"' } }] } },
        },
      }),
    );
    fireEvent.click(runButton());
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('push: refers to step "ghost", which is not upstream'));
  });
});
