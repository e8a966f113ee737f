import { createHash } from 'node:crypto';
import { canonicalJson, compile, migrateDocument, type CompileError, type ExecutionPlan, type NodeTypeRegistry } from '@qiao/flow';
import { nodeTypeRegistry } from '@qiao/connectors';
import type { Prisma, PrismaClient } from '@qiao/db';

export type PublishResult = { ok: true; version: number; planHash: string } | { ok: false; errors: CompileError[] } | { ok: false; notFound: true };

export interface PublishArgs {
  flowId: string;
  comment: string;
  userId: string | null;
  /** Publish this document instead of the draft, and make it the draft (rollback). */
  document?: unknown;
  /** Runs inside the publishing transaction once the flow is locked; throwing refuses the publish. */
  guard?: (tx: Prisma.TransactionClient) => Promise<void>;
  /** Runs inside the publishing transaction, e.g. to write the audit entry atomically. */
  onPublished?: (tx: Prisma.TransactionClient, published: { version: number; planHash: string }) => Promise<void>;
}

export type CompiledDocument = { ok: true; plan: ExecutionPlan; definition: unknown; planHash: string } | { ok: false; errors: CompileError[] };

/** Compiles a flow document and checks its connections; on success, also the migrated document and the plan's hash. */
export async function compileDocument(prisma: PrismaClient, document: unknown): Promise<CompiledDocument> {
  const registry = nodeTypeRegistry();
  const result = compile(document, registry);
  if (!result.ok) return { ok: false, errors: result.errors };
  const connectionErrors = await checkConnections(prisma, result.plan, registry);
  if (connectionErrors.length > 0) return { ok: false, errors: connectionErrors };
  // Stored as the current schema version, so old drafts keep loading after a migration.
  const migrated = migrateDocument(document);
  if (!migrated.ok) return { ok: false, errors: migrated.errors };
  return { ok: true, plan: result.plan, definition: migrated.document, planHash: createHash('sha256').update(canonicalJson(result.plan)).digest('hex') };
}

/**
 * Compiles the draft and, only if it has no errors, stores it as the next immutable version. With
 * `document` (a rollback), that document is published instead and becomes the draft in the same
 * transaction.
 */
export async function publishFlow(prisma: PrismaClient, args: PublishArgs): Promise<PublishResult> {
  const flow = await prisma.flow.findUnique({ where: { id: args.flowId }, select: { draft: true, status: true } });
  if (!flow || flow.status === 'archived') return { ok: false, notFound: true };
  const compiled = await compileDocument(prisma, args.document ?? flow.draft);
  if (!compiled.ok) return compiled;
  const { plan, definition, planHash } = compiled;
  return prisma.$transaction(async (tx) => {
    // Lock the flow row so two publishes cannot take the same version number.
    await tx.$queryRaw`SELECT id FROM flows WHERE id = ${args.flowId}::uuid FOR UPDATE`;
    await args.guard?.(tx);
    const last = await tx.flowVersion.aggregate({ where: { flowId: args.flowId, snapshot: false }, _max: { version: true } });
    const version = (last._max.version ?? 0) + 1;
    await tx.flowVersion.create({
      data: {
        flowId: args.flowId, version, definition: definition as Prisma.InputJsonValue, plan: plan as unknown as Prisma.InputJsonValue,
        planHash, comment: args.comment, publishedById: args.userId,
      },
    });
    await tx.flow.update({
      where: { id: args.flowId },
      data: {
        status: 'published', publishedVersion: version, triggerType: plan.trigger.eventType, updatedById: args.userId,
        ...(args.document === undefined ? {} : { draft: args.document as Prisma.InputJsonValue }),
      },
    });
    await args.onPublished?.(tx, { version, planHash });
    return { ok: true as const, version, planHash };
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The compiler cannot see the database: here every node's connection must exist and belong to its connector. */
async function checkConnections(prisma: PrismaClient, plan: ExecutionPlan, registry: NodeTypeRegistry): Promise<CompileError[]> {
  const wanted = Object.values(plan.nodes).filter((n) => n.connectionId !== undefined);
  const ids = [...new Set(wanted.map((n) => n.connectionId).filter((id): id is string => id !== undefined && UUID.test(id)))];
  const rows = ids.length === 0 ? [] : await prisma.connection.findMany({ where: { id: { in: ids } }, select: { id: true, connectorId: true, name: true } });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const errors: CompileError[] = [];
  for (const node of wanted) {
    const expected = registry.get(node.type)?.connectorId;
    const row = node.connectionId === undefined ? undefined : byId.get(node.connectionId);
    if (!row) {
      errors.push({ code: 'missing_connection', nodeId: node.id, path: ['connectionId'], message: { en: `Connection ${node.connectionId ?? ''} does not exist.`, 'zh-CN': `连接 ${node.connectionId ?? ''} 不存在。` } });
    } else if (expected && row.connectorId !== expected) {
      errors.push({ code: 'missing_connection', nodeId: node.id, path: ['connectionId'], message: { en: `Connection "${row.name}" is a ${row.connectorId} connection; this node needs ${expected}.`, 'zh-CN': `连接“${row.name}”属于 ${row.connectorId}，此节点需要 ${expected} 连接。` } });
    }
  }
  return errors;
}
