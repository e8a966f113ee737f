import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { httpStatusOf } from '../lib/error-message';
import { keys } from './keys';

/** Retries only what may heal: never a refusal (4xx), at most twice otherwise. */
function retry(failures: number, error: unknown): boolean {
  const status = httpStatusOf(error);
  if (status !== undefined && status >= 400 && status < 500) return false;
  return failures < 2;
}

export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    // A 401 anywhere means the session ended (expired, logged out elsewhere): forget the user, so
    // the app sends them to the login page and back here afterwards.
    queryCache: new QueryCache({ onError: (error, query) => onUnauthorized(error, query.queryKey) }),
    mutationCache: new MutationCache({ onError: (error) => onUnauthorized(error, null) }),
    defaultOptions: {
      queries: { retry, staleTime: 5_000, refetchOnWindowFocus: true },
      mutations: { retry: false },
    },
  });
  function onUnauthorized(error: unknown, key: readonly unknown[] | null) {
    if (httpStatusOf(error) !== 401) return;
    if (key && key[0] === keys.me[0] && key[1] === keys.me[1]) return;
    client.setQueryData(keys.me, null);
  }
  return client;
}
