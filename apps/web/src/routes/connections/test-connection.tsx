import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { keys } from '../../api/keys';
import { useErrorText } from '../../hooks/use-error-text';
import { formatDuration } from '../../lib/format-date';
import { trpc } from '../../trpc';

export interface TestOutcome {
  ok: boolean;
  detail: string;
  code?: string;
  durationMs?: number;
}

/** Runs the server's connection test and keeps its detailed answer (a failed request counts as a failed test). */
export function useTestConnection() {
  const queryClient = useQueryClient();
  const errorText = useErrorText();
  const mutation = useMutation({
    mutationFn: async (id: string): Promise<TestOutcome> => {
      try {
        return await trpc.connections.test.mutate({ id });
      } catch (err) {
        return { ok: false, detail: errorText(err) };
      }
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.connections }),
  });
  return { run: (id: string) => mutation.mutate(id), pending: mutation.isPending, result: mutation.data, id: mutation.variables };
}

export function TestResult({ result }: { result: TestOutcome }) {
  const { t } = useTranslation('connections');
  return (
    <div className={result.ok ? 'test-result ok' : 'test-result failed'} role="status" data-testid="test-result">
      <strong>{result.ok ? t('test.ok') : t('test.failed')}</strong>
      {result.durationMs !== undefined && <span className="muted small"> · {formatDuration(result.durationMs)}</span>}
      {result.code && <code className="small"> · {result.code}</code>}
      <div>{result.detail}</div>
    </div>
  );
}
