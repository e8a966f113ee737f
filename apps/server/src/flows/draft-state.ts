import { canonicalJson, migrateDocument } from '@qiao/flow';
import type { Prisma } from '@qiao/db';

/**
 * Whether the draft differs from the published version it would replace, compared as canonical JSON
 * after migrating the draft to the current schema (what publishing would store).
 */
export function draftDiffers(draft: unknown, published: unknown): boolean {
  const migrated = migrateDocument(draft);
  const current = migrated.ok ? migrated.document : draft;
  return canonicalJson(current) !== canonicalJson(published);
}

/** The draft and the published definition, read under the caller's lock when in a transaction. */
export async function unpublishedChanges(db: Prisma.TransactionClient, flowId: string): Promise<{ publishedVersion: number | null; unpublishedChanges: boolean } | null> {
  const flow = await db.flow.findUnique({ where: { id: flowId }, select: { draft: true, publishedVersion: true } });
  if (!flow) return null;
  if (flow.publishedVersion === null) return { publishedVersion: null, unpublishedChanges: true };
  const published = await db.flowVersion.findUnique({ where: { flowId_snapshot_version: { flowId, snapshot: false, version: flow.publishedVersion } }, select: { definition: true } });
  return { publishedVersion: flow.publishedVersion, unpublishedChanges: !published || draftDiffers(flow.draft, published.definition) };
}
