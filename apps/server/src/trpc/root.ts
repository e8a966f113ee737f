import { router } from './init';
import { apiKeysRouter, auditRouter, usersRouter } from './routers/admin.router';
import { authRouter } from './routers/auth.router';
import { connectionsRouter } from './routers/connections.router';
import { deskRouter } from './routers/desk.router';
import { eventsRouter } from './routers/events.router';
import { flowsRouter } from './routers/flows.router';
import { outboxRouter } from './routers/outbox.router';
import { reconciliationRouter } from './routers/reconciliation.router';
import { runsRouter } from './routers/runs.router';
import { testRunsRouter } from './routers/test-runs.router';

export const appRouter = router({
  auth: authRouter,
  flows: flowsRouter,
  runs: runsRouter,
  testRuns: testRunsRouter,
  desk: deskRouter,
  reconciliation: reconciliationRouter,
  events: eventsRouter,
  connections: connectionsRouter,
  outbox: outboxRouter,
  users: usersRouter,
  apiKeys: apiKeysRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;
