import type { ExecutionPlan } from '@qiao/flow';
import type { PrismaClient } from '@qiao/db';

export interface PublishedFlow {
  flowId: string;
  versionId: string;
  plan: ExecutionPlan;
}

export interface PublishedSet {
  /** The published version ids, sorted and joined: what the accept statement checks against the database. */
  key: string;
  flows: PublishedFlow[];
}

/** Event types remembered per process; a sender inventing types cannot grow the cache without bound. */
const MAX_TYPES = 1000;

/**
 * The published flows each event type starts, remembered per process. Never trusted blindly: the
 * accept statement compares `key` with the versions published at that instant (in its own snapshot)
 * and writes nothing when they differ, so a publish in any process takes effect at once.
 */
export class PublishedFlows {
  private readonly byType = new Map<string, PublishedSet>();
  constructor(private readonly prisma: PrismaClient) {}

  cached(type: string): PublishedSet | undefined {
    return this.byType.get(type);
  }

  async load(type: string): Promise<PublishedSet> {
    const rows = await this.prisma.$queryRaw<{ flowId: string; versionId: string; plan: unknown }[]>`
      SELECT f.id AS "flowId", v.id AS "versionId", v.plan AS plan
      FROM flows f JOIN flow_versions v ON v."flowId" = f.id AND v.version = f."publishedVersion" AND NOT v.snapshot
      WHERE f.status = 'published'::"FlowStatus" AND f."triggerType" = ${type}`;
    const flows = rows.map((r) => ({ flowId: r.flowId, versionId: r.versionId, plan: r.plan as ExecutionPlan }));
    const set = { key: versionKey(flows.map((f) => f.versionId)), flows };
    if (this.byType.size >= MAX_TYPES && !this.byType.has(type)) this.byType.delete(this.byType.keys().next().value ?? '');
    this.byType.set(type, set);
    return set;
  }
}

/** Matches the accept statement's string_agg(id::text, ',' ORDER BY id): uuid order is the order of its lower-case text. */
export function versionKey(versionIds: string[]): string {
  return versionIds.map((id) => id.toLowerCase()).sort().join(',');
}

const shared = new WeakMap<PrismaClient, PublishedFlows>();

/** One cache per database client, so every caller of acceptEvent in a process shares it. */
export function publishedFlowsFor(prisma: PrismaClient): PublishedFlows {
  let flows = shared.get(prisma);
  if (!flows) {
    flows = new PublishedFlows(prisma);
    shared.set(prisma, flows);
  }
  return flows;
}
