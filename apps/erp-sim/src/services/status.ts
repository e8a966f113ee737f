import type { PoolClient } from 'pg';
import type { Dec } from '../decimal';
import { D } from '../decimal';
import type { K3SuccessEntity, OpError } from '../envelope';
import { MsgCode, envelope, opError } from '../envelope';
import { OUTSTOCK } from '../forms/outstock';
import { documentForm } from '../forms/registry';
import type { DocStatus, DocumentFormDef } from '../forms/types';
import { billsWithDownstream, deleteBills, loadEntries, lockBills, setStatus } from '../store/documents';
import type { LockedBill } from '../store/documents';
import type { MasterData } from '../store/master-data';
import { withTransaction } from '../store/pool';
import type { StockDelta } from '../store/stock';
import { applyStockDeltas, lockInventory, stockKey } from '../store/stock';
import type { ServiceCall, ServiceOutcome, SimContext } from './context';
import type { Json } from './request';
import { asList, asString, isOpError, pick, writeRequest } from './request';

export type StatusOp = 'Submit' | 'Audit' | 'UnAudit' | 'Delete';

const STATUS_NAMES: Record<DocStatus, string> = { Z: '暂存', A: '创建', B: '审核中', C: '已审核', D: '重新审核' };

interface Transition {
  from: readonly DocStatus[];
  to: DocStatus | 'deleted';
  refusal: (status: DocStatus) => string;
}

// The state machine: Draft→Z, Save→A, Submit A|D→B, Audit B→C, UnAudit C→D, Delete when Z/A/D.
const TRANSITIONS: Record<StatusOp, Transition> = {
  Submit: {
    from: ['A', 'D'],
    to: 'B',
    refusal: (s) => (s === 'Z' ? '暂存的单据不能提交，请先保存' : `单据状态为“${STATUS_NAMES[s]}”，不能提交`),
  },
  Audit: {
    from: ['B'],
    to: 'C',
    refusal: (s) => (s === 'C' ? '单据已审核，不能重复审核' : `单据状态为“${STATUS_NAMES[s]}”，未提交的单据不能审核`),
  },
  UnAudit: { from: ['C'], to: 'D', refusal: (s) => `单据状态为“${STATUS_NAMES[s]}”，未审核的单据不能反审核` },
  Delete: { from: ['Z', 'A', 'D'], to: 'deleted', refusal: (s) => `单据状态为“${STATUS_NAMES[s]}”，不能删除` },
};

export interface StatusTargets {
  numbers: string[];
  ids: string[];
}

export interface StatusOptions {
  /** InterationFlags contains STK_InvCheckResult: allow negative stock on outbound audit. */
  allowNegativeStock: boolean;
}

export interface StatusResult {
  successes: K3SuccessEntity[];
  errors: OpError[];
}

type Requested = { bill: LockedBill | undefined; label: string; dIndex: number };

function describe(master: MasterData, material: string, stock: string): string {
  return `物料“${material}(${master.name('material', material) ?? ''})”在仓库“${stock}(${master.name('stock', stock) ?? ''})”`;
}

/** Outbound audit (sign −1) or unaudit (+1): check and compute stock movements; refused bills get errors. */
async function outboundStock(
  client: PoolClient,
  master: MasterData,
  bills: readonly Requested[],
  movement: { sign: 1 | -1; options: StatusOptions },
): Promise<{ deltas: StockDelta[]; refused: Map<string, OpError> }> {
  const { sign, options } = movement;
  const refused = new Map<string, OpError>();
  const entries = await loadEntries(client, bills.flatMap((r) => (r.bill ? [r.bill.id] : [])));
  const pairs = [...new Map(entries.flatMap((e) => (e.material && e.stock ? [[stockKey(e.material, e.stock), { material: e.material, stock: e.stock }]] : []))).values()];
  const onHand = sign < 0 ? await lockInventory(client, pairs) : new Map<string, Dec>();
  const deltas: StockDelta[] = [];
  for (const r of bills) {
    if (!r.bill) continue;
    const billId = r.bill.id;
    const need = new Map<string, { material: string; stock: string; qty: Dec }>();
    let missingStock = false;
    for (const e of entries.filter((x) => x.billId === billId)) {
      if (!e.material || !e.stock) {
        missingStock = true;
        continue;
      }
      const key = stockKey(e.material, e.stock);
      const prev = need.get(key);
      need.set(key, { material: e.material, stock: e.stock, qty: (prev?.qty ?? new D(0)).plus(e.qty) });
    }
    if (missingStock) {
      refused.set(billId, opError(MsgCode.ValidationFailed, `单据“${r.label}”：分录的仓库是必填项`, OUTSTOCK.entry.stock?.key));
      continue;
    }
    if (sign < 0 && !options.allowNegativeStock) {
      const short = [...need.entries()].find(([key, n]) => (onHand.get(key) ?? new D(0)).lt(n.qty));
      if (short) {
        const [key, n] = short;
        const available = onHand.get(key) ?? new D(0);
        refused.set(
          billId,
          opError(
            MsgCode.ValidationFailed,
            `单据“${r.label}”库存不足：${describe(master, n.material, n.stock)}的即时库存为 ${available.toString()}，本次出库需要 ${n.qty.toString()}`,
            'FRealQty',
          ),
        );
        continue;
      }
    }
    for (const [key, n] of need) {
      onHand.set(key, (onHand.get(key) ?? new D(0)).plus(n.qty.times(sign)));
      deltas.push({ material: n.material, stock: n.stock, qty: n.qty.times(sign) });
    }
  }
  return { deltas, refused };
}

/** Runs Submit/Audit/UnAudit/Delete over the named bills in one transaction; each bill succeeds or fails alone. */
export interface StatusRequest {
  op: StatusOp;
  targets: StatusTargets;
  options: StatusOptions;
}

export async function runStatusOp(ctx: SimContext, form: DocumentFormDef, request: StatusRequest): Promise<StatusResult> {
  const { op, targets, options } = request;
  const transition = TRANSITIONS[op];
  return withTransaction(ctx.pool, async (client) => {
    const locked = await lockBills(client, form.formId, targets.numbers, targets.ids);
    const seen = new Set<string>();
    const errors: OpError[] = [];
    const eligible: Requested[] = [];
    const requested = [...targets.numbers.map((n) => ({ n, byId: false })), ...targets.ids.map((n) => ({ n, byId: true }))];
    requested.forEach(({ n, byId }, dIndex) => {
      const bill = locked.find((b) => (byId ? b.id === n : b.billNo === n));
      if (!bill) {
        errors.push({ ...opError(MsgCode.NotFound, `${byId ? '内码' : '编号'}为“${n}”的${form.title}不存在`), dIndex });
        return;
      }
      if (seen.has(bill.id)) return;
      seen.add(bill.id);
      if (!transition.from.includes(bill.status)) {
        errors.push({ ...opError(MsgCode.NotAllowed, `单据“${bill.billNo}”：${transition.refusal(bill.status)}`), dIndex });
        return;
      }
      eligible.push({ bill, label: bill.billNo, dIndex });
    });
    let ok = eligible;
    if (op === 'UnAudit' && ok.length > 0) {
      const downstream = await billsWithDownstream(client, ok.flatMap((r) => (r.bill ? [r.bill.id] : [])));
      for (const r of ok) {
        if (r.bill && downstream.has(r.bill.id)) {
          errors.push({ ...opError(MsgCode.NotAllowed, `单据“${r.label}”已经存在下游单据，不能反审核`), dIndex: r.dIndex });
        }
      }
      ok = ok.filter((r) => !(r.bill && downstream.has(r.bill.id)));
    }
    let deltas: StockDelta[] = [];
    if (form.formId === OUTSTOCK.formId && (op === 'Audit' || op === 'UnAudit') && ok.length > 0) {
      const stock = await outboundStock(client, ctx.master, ok, { sign: op === 'Audit' ? -1 : 1, options });
      deltas = stock.deltas;
      for (const r of ok) {
        const refusal = r.bill ? stock.refused.get(r.bill.id) : undefined;
        if (refusal) errors.push({ ...refusal, dIndex: r.dIndex });
      }
      ok = ok.filter((r) => !(r.bill && stock.refused.has(r.bill.id)));
    }
    const ids = ok.flatMap((r) => (r.bill ? [r.bill.id] : []));
    if (transition.to === 'deleted') await deleteBills(client, ids);
    else await setStatus(client, ids, transition.to, op === 'Audit' ? 'set' : op === 'UnAudit' ? 'clear' : 'keep');
    await applyStockDeltas(client, deltas);
    errors.sort((a, b) => (a.dIndex ?? 0) - (b.dIndex ?? 0));
    return {
      successes: ok.flatMap((r) => (r.bill ? [{ Id: Number(r.bill.id), Number: r.bill.billNo, DIndex: r.dIndex }] : [])),
      errors,
    };
  });
}

export function statusOptions(data: Json): StatusOptions {
  const flags = asString(pick(data, 'InterationFlags')) ?? '';
  return { allowNegativeStock: flags.split(/[;,\s]+/).some((f) => f.toLowerCase() === 'stk_invcheckresult') };
}

export function statusService(op: StatusOp) {
  return async (ctx: SimContext, call: ServiceCall): Promise<ServiceOutcome> => {
    const req = writeRequest(call.body);
    if (isOpError(req)) return { body: envelope({ errors: [req] }) };
    const form = documentForm(req.formId);
    if (!form) return { body: envelope({ errors: [opError(MsgCode.BadParameter, `表单“${req.formId}”不存在或不支持${op}`)] }), formId: req.formId };
    const targets = { numbers: asList(pick(req.data, 'Numbers')), ids: asList(pick(req.data, 'Ids')) };
    if (targets.numbers.length === 0 && targets.ids.length === 0) {
      return { body: envelope({ errors: [opError(MsgCode.EmptyBillId, '参数 Numbers 和 Ids 不能同时为空')] }), formId: form.formId };
    }
    const result = await runStatusOp(ctx, form, { op, targets, options: statusOptions(req.data) });
    return { body: envelope({ successes: result.successes, errors: result.errors }), formId: form.formId };
  };
}
