/** Query keys: the first part names the resource, so invalidating ['flows'] refreshes every flow query. */
export const keys = {
  me: ['auth', 'me'] as const,
  flows: ['flows'] as const,
  flowList: (input: unknown) => ['flows', 'list', input] as const,
  flow: (id: string) => ['flows', 'get', id] as const,
  flowVersions: (id: string) => ['flows', 'versions', id] as const,
  templates: ['flows', 'templates'] as const,
  runs: ['runs'] as const,
  runList: (input: unknown) => ['runs', 'list', input] as const,
  run: (id: string) => ['runs', 'get', id] as const,
  connections: ['connections'] as const,
  connectionList: ['connections', 'list'] as const,
  connectors: ['connections', 'connectors'] as const,
  apiKeys: ['apiKeys'] as const,
  users: ['users'] as const,
};
