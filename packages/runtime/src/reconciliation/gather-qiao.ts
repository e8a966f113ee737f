import Decimal from 'decimal.js';
import type { ExecutionPlan } from '@qiao/flow';
import type { PrismaClient } from '@qiao/db';
import type { PlanCache } from '../plan-cache';
import type { QiaoChain } from './compare';
import { MODEL_ENTRY_KEYS } from './document-types';

/** A flow's Kingdee document chain: the node that saves the first bill, then each push from it. */
export interface ChainSpec {
  connectionId: string;
  stages: { nodeId: string; formId: string }[];
}

/** The chain of a plan, or null when the flow writes no Kingdee bill (nothing to reconcile). */
export function chainOf(plan: ExecutionPlan): ChainSpec | null {
  const nodes = plan.order.map((id) => plan.nodes[id]).filter((n) => n !== undefined);
  const root = nodes.find((n) => n.type === 'kingdee.saveBill' && typeof n.parameters['formId'] === 'string');
  if (!root?.connectionId) return null;
  const stages = [{ nodeId: root.id, formId: String(root.parameters['formId']) }];
  for (;;) {
    const last = stages[stages.length - 1];
    const next = nodes.find((n) => n.type === 'kingdee.pushBill' && n.connectionId === root.connectionId && typeof n.parameters['targetFormId'] === 'string'
      && String(n.parameters['sourceFormId']).toLowerCase() === last?.formId.toLowerCase() && !stages.some((s) => s.nodeId === n.id));
    if (!next) break;
    stages.push({ nodeId: next.id, formId: String(next.parameters['targetFormId']) });
  }
  return { connectionId: root.connectionId, stages };
}

const asRecord = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

/** Customer, total quantity and tax-inclusive amount the saved bill's model asks for. */
export function expectedFromSaveInput(input: unknown): QiaoChain['expected'] {
  const params = asRecord(input);
  const model = asRecord(params?.['model']);
  const keys = MODEL_ENTRY_KEYS[String(params?.['formId'] ?? '').toLowerCase()];
  if (!model || !keys) return { customer: null, qty: null, amount: null };
  const customerRef = asRecord(model[keys.customer]);
  const customer = typeof customerRef?.['FNumber'] === 'string' ? customerRef['FNumber'] : null;
  const lines = Array.isArray(model[keys.entry]) ? (model[keys.entry] as unknown[]) : [];
  try {
    let qty = new Decimal(0);
    let amount = new Decimal(0);
    for (const raw of lines) {
      const line = asRecord(raw) ?? {};
      const q = new Decimal(String(line[keys.qty] ?? 0));
      qty = qty.plus(q);
      amount = amount.plus(q.times(new Decimal(String(line[keys.taxPrice] ?? 0))).toDecimalPlaces(2, Decimal.ROUND_HALF_UP));
    }
    return { customer, qty: qty.toString(), amount: amount.toFixed(2) };
  } catch {
    return { customer, qty: null, amount: null };
  }
}

function recordedNumbers(nodeType: 'save' | 'push', output: unknown): string[] {
  const out = asRecord(output);
  if (!out) return [];
  if (nodeType === 'save') return typeof out['number'] === 'string' ? [out['number']] : [];
  const targets = Array.isArray(out['targets']) ? out['targets'] : [];
  return targets.map((t) => asRecord(t)?.['number']).filter((n): n is string => typeof n === 'string');
}

export interface GatheredChains {
  /** Per connection: its chains and the forms they go through. */
  byConnection: Map<string, { chains: QiaoChain[]; forms: string[][] }>;
}

/** Qiao's side: every run created in the period whose flow writes Kingdee bills, with what it recorded. */
export async function gatherQiaoChains(prisma: PrismaClient, plans: PlanCache, period: { from: Date; to: Date }, onProgress?: (runs: number) => void): Promise<GatheredChains> {
  const specs = new Map<string, ChainSpec | null>();
  const byConnection = new Map<string, { chains: QiaoChain[]; forms: string[][] }>();
  let cursor: string | undefined;
  let seen = 0;
  for (;;) {
    const runs = await prisma.run.findMany({
      // Test runs of drafts are a designer's experiments, not business the ERP should hold.
      where: { createdAt: { gte: period.from, lt: period.to }, mode: 'live' },
      orderBy: { id: 'asc' },
      take: 1000,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      select: { id: true, status: true, businessKey: true, flowVersionId: true, steps: { select: { nodeId: true, status: true, input: true, output: true } } },
    });
    if (runs.length === 0) break;
    cursor = runs[runs.length - 1]?.id;
    for (const run of runs) {
      if (!specs.has(run.flowVersionId)) specs.set(run.flowVersionId, chainOf(await plans.get(run.flowVersionId)));
      const spec = specs.get(run.flowVersionId);
      if (!spec) continue;
      const steps = new Map(run.steps.map((s) => [s.nodeId, s]));
      const root = steps.get(spec.stages[0]?.nodeId ?? '');
      const rootInput = asRecord(root?.input);
      const stages = spec.stages.map((stage, i) => {
        const step = steps.get(stage.nodeId);
        return { ...stage, recorded: step?.status === 'succeeded' ? recordedNumbers(i === 0 ? 'save' : 'push', step.output) : [] };
      });
      const billNo = stages[0]?.recorded[0] ?? (typeof rootInput?.['billNo'] === 'string' ? rootInput['billNo'] : null) ?? run.businessKey;
      const entry = byConnection.get(spec.connectionId) ?? { chains: [], forms: [] };
      entry.chains.push({ runId: run.id, status: run.status, businessKey: run.businessKey, rootBillNo: billNo, expected: expectedFromSaveInput(root?.input), stages });
      entry.forms.push(spec.stages.map((s) => s.formId));
      byConnection.set(spec.connectionId, entry);
    }
    seen += runs.length;
    onProgress?.(seen);
  }
  return { byConnection };
}
