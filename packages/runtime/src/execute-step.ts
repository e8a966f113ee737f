import { evaluateCondition, resolveParameters, type ExecutionPlan, type ExpressionContext, type PlanNode } from '@qiao/flow';
import type { RunCommand } from '@qiao/engine';
import { ConnectorError, createActionContext, getAction, runAction, toStorableJson, UserError, type OutboxPort, type SessionStore } from '@qiao/connectors';
import { Prisma, sqlPool, type PrismaClient } from '@qiao/db';
import { TX_OPTIONS } from './transactions';
import { noteStepConnectionUse } from './connection-usage';
import { enqueueCommands } from './run-transition';
import { finishBatcherFor, type StepResult } from './finish-steps';
import type { ConnectionResolver } from './connections';
import type { ConnectionRateLimiter } from './rate-limiter';
import { expressionContext } from './expression-context';
import type { Logger } from './logger';
import type { PlanCache } from './plan-cache';
import type { StepJob, StepQueue } from './queue';
import { describeFailure } from './step-failure';

export interface ExecutorDeps {
  prisma: PrismaClient;
  queue: StepQueue;
  plans: PlanCache;
  connections: ConnectionResolver;
  sessions: SessionStore;
  logger: Logger;
  /** Aborted when the worker shuts down, so in-flight calls stop and the step is retried elsewhere. */
  shutdown?: AbortSignal;
  /** Shares each connection's calls-per-second limit across workers. */
  rateLimiter?: ConnectionRateLimiter;
  /** Extra time a claimed step is protected beyond its timeout before another worker may take it over. */
  leaseMarginMs?: number;
  /** The durable outbox handed to actions as ctx.outbox (rate-limited sends, e.g. DingTalk robots). */
  outboxFor?: (runId: string) => OutboxPort;
  /** Carries out the engine's follow-on commands after commit; default: queue them in BullMQ. */
  dispatch?: (runId: string, commands: RunCommand[]) => Promise<void>;
}

export interface ClaimedStep {
  id: string;
  runId: string;
  idempotencyKey: string;
  leaseUntil: Date;
  inputOverride: unknown;
  attemptBase: number;
}

/** `deferred`: the flow is at its concurrency limit; the caller should offer the job again shortly. */
export type StepOutcome = 'succeeded' | 'failed' | 'not_claimed' | 'deferred';

/**
 * Runs one try of one step. The step is claimed with a lease in PostgreSQL (so a duplicate job is
 * a no-op and a crashed worker's step can be taken over after the lease), executed with the step's
 * stable idempotency key, and its result and the next steps are committed in one transaction.
 */
export async function executeStep(deps: ExecutorDeps, job: StepJob): Promise<StepOutcome> {
  const claim = await claimStep(deps, job);
  if (claim === 'busy') return 'deferred';
  if (!claim) return 'not_claimed';
  return executeClaimed(deps, job, claim);
}

/**
 * Runs a step this process already holds the lease of: claimed by claimStep, or by the accept
 * statement itself when the gateway executes a run's entry steps eagerly.
 */
export async function executeClaimed(deps: ExecutorDeps, job: StepJob, claim: Claim): Promise<StepOutcome> {
  const { run, plan, node, claimed, attemptId } = claim;
  try {
    const startedAt = Date.now();
    const event = {
      id: run.eventId, source: run.source, type: run.type, subject: run.subject,
      time: run.time?.toISOString() ?? null, data: run.data, ...(run.extensions as Record<string, unknown>),
    };
    const { input, result } = job.attempt - claimed.attemptBase > node.retry.maxAttempts
      ? { input: null, result: exhausted(job.attempt - claimed.attemptBase) }
      : await attemptStep(deps, { plan, node, event, claimed, attempt: job.attempt });
    if (!result.ok) {
      deps.logger.warn({ runId: job.runId, nodeId: job.nodeId, attempt: job.attempt, failure: { ...result.failure, detail: undefined } }, 'step failed');
    }
    await finish(deps, { job, plan, claimed, attemptId, startedAt, input, result });
    noteStepConnectionUse(deps, { connectionId: node.connectionId, runId: job.runId, nodeId: job.nodeId, attempt: job.attempt, failure: result.ok ? null : result.failure });
    return result.ok ? 'succeeded' : 'failed';
  } catch (err) {
    // The database or Redis failed after the claim: hand the step back at once so it is retried
    // soon (as the next attempt, looking before it writes) instead of waiting out the lease.
    await release(deps, job, claimed).catch(() => undefined);
    throw err;
  }
}

/** What the claim statement returns: the run and its event always, the step and attempt only when claimed. */
export interface ClaimRow {
  runStatus: string;
  flowId: string;
  flowVersionId: string;
  settings: unknown;
  eventId: string;
  source: string;
  type: string;
  subject: string | null;
  time: Date | null;
  data: unknown;
  extensions: unknown;
  id: string | null;
  idempotencyKey: string | null;
  leaseUntil: Date | null;
  inputOverride: unknown;
  attemptBase: number | null;
  /** bigint, as text. */
  attemptId: string | null;
}

export interface Claim {
  run: ClaimRow;
  plan: ExecutionPlan;
  node: PlanNode;
  claimed: ClaimedStep;
  attemptId: string;
}

/**
 * Claims the step in one statement (one round trip, one commit): reads the run and its event, takes
 * the step with a lease sized from the node's timeout, marks the run running and opens the attempt
 * record. A flow with a concurrency limit is claimed under its advisory lock instead.
 */
async function claimStep(deps: ExecutorDeps, job: StepJob): Promise<Claim | null | 'busy'> {
  const { rows } = await sqlPool(deps.prisma).query<ClaimRow>({ name: 'qiao-claim-step', text: CLAIM_SQL, values: [job.runId, job.nodeId, job.attempt, deps.leaseMarginMs ?? 30_000] });
  const run = rows[0];
  if (!run || (run.runStatus !== 'pending' && run.runStatus !== 'running')) return null;
  const plan = await deps.plans.get(run.flowVersionId);
  const node = plan.nodes[job.nodeId];
  if (!node) return null;
  const limit = maxConcurrency(run.settings);
  if (limit !== null) {
    const limited = await claimWithinLimit(deps, { job, node, flowId: run.flowId, limit });
    if (limited === 'busy' || !limited) return limited;
    return { run, plan, node, claimed: limited, attemptId: await openAttempt(deps.prisma, limited.id, job.attempt) };
  }
  if (!run.id || !run.idempotencyKey || !run.leaseUntil || run.attemptBase === null || run.attemptId === null) return null;
  const claimed = { id: run.id, runId: job.runId, idempotencyKey: run.idempotencyKey, leaseUntil: run.leaseUntil, inputOverride: run.inputOverride, attemptBase: run.attemptBase };
  return { run, plan, node, claimed, attemptId: run.attemptId };
}

const CLAIM_SQL = `
  WITH run AS (
    SELECT r.status, r."flowId", r."flowVersionId", r."eventId", f.settings,
           (v.plan #>> ARRAY['nodes', $2::text, 'timeoutMs'])::int AS "timeoutMs"
    FROM runs r JOIN flows f ON f.id = r."flowId" JOIN flow_versions v ON v.id = r."flowVersionId"
    WHERE r.id = $1::uuid
  ), claimed AS (
    UPDATE steps s SET status = 'running'::"StepStatus", attempt = $3::int, "startedAt" = now(),
      "leaseUntil" = now() + make_interval(secs => (run."timeoutMs" + $4::int) / 1000.0), "nextAttemptAt" = NULL, "updatedAt" = now()
    FROM run
    WHERE s."runId" = $1::uuid AND s."nodeId" = $2::text AND s.attempt < $3::int
      AND (s.status IN ('pending', 'retrying') OR (s.status = 'running' AND s."leaseUntil" < now()))
      AND run.status IN ('pending', 'running') AND run."timeoutMs" IS NOT NULL
      AND NOT COALESCE(jsonb_typeof(run.settings -> 'maxConcurrency') = 'number' AND (run.settings ->> 'maxConcurrency')::numeric > 0, false)
    RETURNING s.id, s."idempotencyKey", s."leaseUntil", s."inputOverride", s."attemptBase"
  ), started AS (
    UPDATE runs SET status = 'running'::"RunStatus", "startedAt" = COALESCE("startedAt", now()), "updatedAt" = now()
    WHERE id = $1::uuid AND status = 'pending'::"RunStatus" AND EXISTS (SELECT 1 FROM claimed)
  ), attempt AS (
    INSERT INTO step_attempts ("stepId", attempt) SELECT id, $3::int FROM claimed
    ON CONFLICT ("stepId", attempt) DO UPDATE SET "startedAt" = now(), "finishedAt" = NULL, outcome = NULL, error = NULL
    RETURNING id
  )
  SELECT run.status::text AS "runStatus", run."flowId"::text AS "flowId", run."flowVersionId"::text AS "flowVersionId", run.settings,
         e."eventId", e.source, e.type, e.subject, e.time, e.data, e.extensions,
         c.id::text AS id, c."idempotencyKey", c."leaseUntil", c."inputOverride", c."attemptBase", (SELECT id FROM attempt)::text AS "attemptId"
  FROM run JOIN events e ON e.id = run."eventId" LEFT JOIN claimed c ON true`;

async function openAttempt(prisma: PrismaClient, stepId: string, attempt: number): Promise<string> {
  const row = await prisma.stepAttempt.upsert({
    where: { stepId_attempt: { stepId, attempt } },
    create: { stepId, attempt },
    update: { startedAt: new Date(), finishedAt: null, outcome: null, error: Prisma.DbNull },
    select: { id: true },
  });
  return String(row.id);
}

/** A worker died holding this step more often than its retry policy allows: stop repeating the remote call. */
function exhausted(attempt: number): StepResult {
  return {
    ok: false,
    failure: {
      kind: 'internal', code: 'attempts_exhausted', retryable: false,
      message: `The step was started ${attempt - 1} times without finishing (its worker stopped each time); it needs a person. / 该步骤已启动 ${attempt - 1} 次均未完成，需要人工处理。`,
    },
  };
}

interface AttemptArgs {
  plan: ExecutionPlan;
  node: PlanNode;
  event: Record<string, unknown> & { id: string; source: string; type: string };
  claimed: ClaimedStep;
  attempt: number;
}

/** Everything that belongs to the try itself; its failures are the step's, never thrown. */
async function attemptStep(deps: ExecutorDeps, { plan, node, event, claimed, attempt }: AttemptArgs): Promise<{ input: unknown; result: StepResult }> {
  let input: unknown = null;
  try {
    const upstream = await upstreamOutputs(deps.prisma, claimed.runId, node.upstream);
    // An operator's edited input, when given, replaces the mapping for this step.
    input = claimed.inputOverride ?? (await resolveParameters(node.parameters, expressionContext(event, upstream, plan.valueMaps)));
    const output = toStorableJson(await runStepAction(deps, { node, input, claimed, attempt }));
    const edges = await edgeOutcomes(plan, node, expressionContext(event, { ...upstream, [node.id]: output }, plan.valueMaps));
    return { input, result: { ok: true, output, edges } };
  } catch (err) {
    return { input, result: { ok: false, failure: describeFailure(err) } };
  }
}

async function release(deps: ExecutorDeps, job: StepJob, claimed: ClaimedStep): Promise<void> {
  await deps.prisma.$executeRaw`
    UPDATE steps SET status = 'retrying'::"StepStatus", "leaseUntil" = NULL, "nextAttemptAt" = now() + interval '2 seconds', "updatedAt" = now()
    WHERE id = ${claimed.id}::uuid AND status = 'running'::"StepStatus" AND attempt = ${job.attempt}`;
}

function maxConcurrency(settings: unknown): number | null {
  const value = (settings as { maxConcurrency?: unknown } | null)?.maxConcurrency;
  return typeof value === 'number' && value > 0 ? value : null;
}

interface ClaimArgs {
  job: StepJob;
  node: PlanNode;
  leaseMarginMs: number | undefined;
}

async function claim(db: Prisma.TransactionClient, { job, node, leaseMarginMs }: ClaimArgs): Promise<ClaimedStep | null> {
  const leaseMs = node.timeoutMs + (leaseMarginMs ?? 30_000);
  const rows = await db.$queryRaw<ClaimedStep[]>`
    UPDATE steps SET status = 'running'::"StepStatus", attempt = ${job.attempt}, "startedAt" = now(),
      "leaseUntil" = now() + make_interval(secs => ${leaseMs / 1000}), "nextAttemptAt" = NULL, "updatedAt" = now()
    WHERE "runId" = ${job.runId}::uuid AND "nodeId" = ${job.nodeId}
      AND attempt < ${job.attempt}
      AND (status IN ('pending', 'retrying') OR (status = 'running' AND "leaseUntil" < now()))
    RETURNING id, "runId", "idempotencyKey", "leaseUntil", "inputOverride", "attemptBase"`;
  const step = rows[0];
  if (!step) return null;
  await db.$executeRaw`
    UPDATE runs SET status = 'running'::"RunStatus", "startedAt" = COALESCE("startedAt", now()), "updatedAt" = now()
    WHERE id = ${job.runId}::uuid AND status = 'pending'::"RunStatus"`;
  return step;
}

/**
 * A flow limited to N steps at once: count its steps in flight and claim under a per-flow advisory
 * lock, so two workers cannot both take the last slot. Over the limit the job waits; it is not dropped.
 */
async function claimWithinLimit(deps: ExecutorDeps, args: { job: StepJob; node: PlanNode; flowId: string; limit: number }): Promise<ClaimedStep | null | 'busy'> {
  return deps.prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`qiao-flow:${args.flowId}`}))`;
    const busy = await tx.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM steps s JOIN runs r ON r.id = s."runId"
      WHERE r."flowId" = ${args.flowId}::uuid AND s.status = 'running'::"StepStatus" AND s."leaseUntil" > now()`;
    if ((busy[0]?.n ?? 0) >= args.limit) return 'busy' as const;
    return claim(tx, { job: args.job, node: args.node, leaseMarginMs: deps.leaseMarginMs });
  }, TX_OPTIONS);
}

async function upstreamOutputs(prisma: PrismaClient, runId: string, upstream: string[]): Promise<Record<string, unknown>> {
  if (upstream.length === 0) return {};
  const { rows } = await sqlPool(prisma).query<{ nodeId: string; output: unknown }>({
    name: 'qiao-upstream-outputs',
    text: `SELECT "nodeId", output FROM steps WHERE "runId" = $1::uuid AND "nodeId" = ANY($2::text[]) AND status = 'succeeded'::"StepStatus"`,
    values: [runId, upstream],
  });
  return Object.fromEntries(rows.map((r) => [r.nodeId, r.output]));
}

interface RunActionArgs {
  node: PlanNode;
  input: unknown;
  claimed: ClaimedStep;
  attempt: number;
}

async function runStepAction(deps: ExecutorDeps, { node, input, claimed, attempt }: RunActionArgs): Promise<unknown> {
  const found = getAction(node.type);
  if (!found) throw new InternalStepError('unknown_node_type', `No connector provides node type ${node.type}.`);
  let credentials: unknown = {};
  if (node.connectionId) {
    const connection = await deps.connections.resolve(node.connectionId);
    if (!connection) throw new UserError({ code: 'connection_missing', path: ['connectionId'], message: { en: `Connection ${node.connectionId} does not exist.`, 'zh-CN': `连接 ${node.connectionId} 不存在。` } });
    credentials = connection.credentials;
    if (connection.rateLimitPerSecond && deps.rateLimiter) {
      const deadline = claimed.leaseUntil.getTime() - Math.min(5000, (deps.leaseMarginMs ?? 30_000) / 2) - node.timeoutMs / 2;
      const admitted = await deps.rateLimiter.acquire(node.connectionId, connection.rateLimitPerSecond, deadline, deps.shutdown);
      if (!admitted) throw new ConnectorError({ system: 'qiao', code: 'rate_limited', message: `Connection allows ${connection.rateLimitPerSecond} calls/s; the step waited as long as its lease allows and will be retried.`, retryable: true });
    }
  }
  // The call must end while this worker still holds the lease, or another worker could take the
  // step over and run it concurrently; keep a safety gap for the commit that follows.
  const leaseLeft = claimed.leaseUntil.getTime() - Date.now() - Math.min(5000, (deps.leaseMarginMs ?? 30_000) / 2);
  if (leaseLeft <= 0) throw new ConnectorError({ system: 'qiao', code: 'lease_expired', message: 'The step was delayed past its lease before the call; it will be retried.', retryable: true });
  // One controller and one timer per call: AbortSignal.timeout + AbortSignal.any cost more CPU
  // than the rest of a short step in Node 20 (seen in the throughput profile).
  const abort = new AbortController();
  const timeoutMs = Math.min(node.timeoutMs, leaseLeft);
  const timer = setTimeout(() => abort.abort(new DOMException(`The step did not finish within ${timeoutMs} ms.`, 'TimeoutError')), timeoutMs);
  const onShutdown = () => abort.abort(deps.shutdown?.reason);
  if (deps.shutdown?.aborted) onShutdown();
  else deps.shutdown?.addEventListener('abort', onShutdown, { once: true });
  try {
    const context = createActionContext({
      credentials,
      connectionId: node.connectionId ?? '',
      idempotencyKey: claimed.idempotencyKey,
      attempt,
      signal: abort.signal,
      sessions: deps.sessions,
      ...(deps.outboxFor ? { outbox: deps.outboxFor(claimed.runId) } : {}),
    });
    // runAction parses credentials and input with the connector's schemas (errors name the field) and checks the output.
    return await runAction({ connector: found.connector, action: found.action, context, input });
  } finally {
    clearTimeout(timer);
    deps.shutdown?.removeEventListener('abort', onShutdown);
  }
}

async function edgeOutcomes(plan: ExecutionPlan, node: PlanNode, context: ExpressionContext): Promise<Record<string, boolean>> {
  // No prototype: an edge id can never collide with an Object.prototype member.
  const out: Record<string, boolean> = Object.create(null) as Record<string, boolean>;
  for (const edgeId of node.outgoing) {
    const edge = plan.edges.find((e) => e.id === edgeId);
    if (edge?.condition) out[edge.id] = await evaluateCondition(edge.condition, context);
  }
  return out;
}

interface FinishArgs {
  job: StepJob;
  plan: ExecutionPlan;
  claimed: ClaimedStep;
  attemptId: string;
  startedAt: number;
  input: unknown;
  result: StepResult;
}

/** Commits the step's outcome and the run's next state (with other steps finishing now), then carries out the next commands. */
async function finish(deps: ExecutorDeps, args: FinishArgs): Promise<void> {
  const { job, claimed } = args;
  const commands = await finishBatcherFor(deps.prisma).submit({
    runId: job.runId, nodeId: job.nodeId, stepId: claimed.id, attempt: job.attempt, attemptId: args.attemptId, plan: args.plan,
    input: JSON.stringify(toStorableJson(args.input ?? null)), startedAt: args.startedAt, finishedAt: new Date(), result: args.result,
  });
  if (deps.dispatch) await deps.dispatch(job.runId, commands);
  else await enqueueCommands(deps, job.runId, commands);
}

/** A defect or misconfiguration of the platform itself, not of the flow or the remote system. */
class InternalStepError extends Error {
  override readonly name = 'InternalError';
  constructor(readonly code: string, message: string) {
    super(message);
  }
}
