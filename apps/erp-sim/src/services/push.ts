import type { PoolClient } from 'pg';
import { D } from '../decimal';
import type { K3SuccessEntity, OpError } from '../envelope';
import { MsgCode, envelope, opError } from '../envelope';
import { documentForm } from '../forms/registry';
import type { DocStatus, DocumentFormDef } from '../forms/types';
import type { BillKey } from '../store/documents';
import { findBill, insertLinks, loadEntries } from '../store/documents';
import { withTransaction } from '../store/pool';
import type { ServiceCall, ServiceOutcome, SimContext } from './context';
import { normalizeModel, today } from './model';
import type { PushRule, PushSourceEntry } from './push-rules';
import { defaultRule, ruleById } from './push-rules';
import { insertWithNumber } from './save';
import { asBool, asList, asString, isOpError, pick, writeRequest } from './request';

interface PushOutcome {
  id: string;
  billNo: string;
  status: DocStatus;
  /** Why the target was kept as a draft (IsDraftWhenSaveFail), if it was. */
  draftReasons: OpError[];
}

/** Quantity already pushed from each source entry under a rule (sum of the linked target quantities). */
async function pushedQuantities(client: PoolClient, sourceBillId: string, ruleId: string): Promise<Map<string, string>> {
  const result = await client.query<{ entryId: string; qty: string }>(
    `SELECT l.source_entry_id AS "entryId", sum(te.qty) AS qty
     FROM k3sim.bill_link l JOIN k3sim.bill_entry te ON te.id = l.target_entry_id
     WHERE l.source_bill_id = $1 AND l.rule_id = $2 GROUP BY l.source_entry_id`,
    [sourceBillId, ruleId],
  );
  return new Map(result.rows.map((r) => [String(r.entryId), r.qty]));
}

interface PushArgs {
  source: DocumentFormDef;
  target: DocumentFormDef;
  rule: PushRule;
  key: BillKey;
  entryIds: readonly string[];
  draftWhenSaveFail: boolean;
}

/** Pushes one source bill inside one transaction; the source row lock serialises concurrent pushes of it. */
async function pushOne(ctx: SimContext, client: PoolClient, args: PushArgs): Promise<PushOutcome | OpError[]> {
  const { source, target, rule } = args;
  const label = 'id' in args.key ? args.key.id : args.key.billNo;
  const bill = await findBill(client, source.formId, args.key, true);
  if (!bill) return [opError(MsgCode.NotFound, `${source.title}“${label}”不存在`)];
  if (bill.status !== 'C') return [opError(MsgCode.NotAllowed, `单据“${bill.billNo}”未审核，不能下推`)];
  const pushed = await pushedQuantities(client, bill.id, rule.id);
  const entries = (await loadEntries(client, [bill.id])).filter((e) => args.entryIds.length === 0 || args.entryIds.includes(e.id));
  const open: PushSourceEntry[] = entries
    .map((entry) => ({ entry, remaining: new D(entry.qty).minus(pushed.get(entry.id) ?? '0') }))
    .filter((s) => s.remaining.gt(0));
  if (open.length === 0) {
    return [opError(MsgCode.NotAllowed, `单据“${bill.billNo}”按规则“${rule.id}”已全部下推，没有可下推的数量`)];
  }
  const model = rule.convert(bill, open, today());
  let { doc, errors } = normalizeModel(target, model, ctx.master, 'save');
  let status: DocStatus = 'A';
  let draftReasons: OpError[] = [];
  if (errors.length > 0) {
    const onlyMissing = errors.every((e) => e.code === MsgCode.ValidationFailed);
    if (!args.draftWhenSaveFail || !onlyMissing) return errors;
    draftReasons = errors;
    ({ doc, errors } = normalizeModel(target, model, ctx.master, 'draft'));
    if (errors.length > 0) return errors;
    status = 'Z';
  }
  const inserted = await insertWithNumber(client, target, doc, status);
  if (isOpError(inserted)) return [inserted];
  const links = open.map((s, i) => ({
    ruleId: rule.id,
    sourceForm: source.formId,
    sourceBillId: bill.id,
    sourceEntryId: s.entry.id,
    targetEntryId: inserted.entryIds[i] ?? '',
  }));
  await insertLinks(client, target.formId, inserted.id, links);
  return { id: inserted.id, billNo: inserted.billNo, status, draftReasons };
}

function resolveRule(source: DocumentFormDef, ruleId: string, targetFormId: string): PushRule | OpError {
  const rule = ruleId !== '' ? ruleById(ruleId) : targetFormId !== '' ? defaultRule(source.formId, targetFormId) : undefined;
  if (!rule) return opError(MsgCode.BadParameter, ruleId !== '' ? `转换规则“${ruleId}”不存在` : '参数 RuleId 和 TargetFormId 不能同时为空');
  if (rule.source !== source.formId) return opError(MsgCode.BadParameter, `转换规则“${rule.id}”不适用于源单“${source.formId}”`);
  if (targetFormId !== '' && targetFormId.toLowerCase() !== rule.target.toLowerCase()) {
    return opError(MsgCode.BadParameter, `转换规则“${rule.id}”的目标单据是“${rule.target}”，不是“${targetFormId}”`);
  }
  return rule;
}

/** Push (下推): formid is the source form; one target bill per source bill, linked entry by entry. */
export async function pushService(ctx: SimContext, call: ServiceCall): Promise<ServiceOutcome> {
  const req = writeRequest(call.body);
  if (isOpError(req)) return { body: envelope({ errors: [req] }) };
  const source = documentForm(req.formId);
  if (!source) return { body: envelope({ errors: [opError(MsgCode.BadParameter, `表单“${req.formId}”不存在或不支持下推`)] }), formId: req.formId };
  const rule = resolveRule(source, asString(pick(req.data, 'RuleId'))?.trim() ?? '', asString(pick(req.data, 'TargetFormId'))?.trim() ?? '');
  if (isOpError(rule)) return { body: envelope({ errors: [rule] }), formId: source.formId };
  const target = documentForm(rule.target);
  if (!target) return { body: envelope({ errors: [opError(MsgCode.Exception, `目标表单“${rule.target}”未定义`)] }), formId: source.formId };
  const keys: BillKey[] = [
    ...asList(pick(req.data, 'Numbers')).map((billNo) => ({ billNo })),
    ...asList(pick(req.data, 'Ids')).map((id) => ({ id })),
  ];
  if (keys.length === 0) return { body: envelope({ errors: [opError(MsgCode.EmptyBillId, '参数 Numbers 和 Ids 不能同时为空')] }), formId: source.formId };
  const entryIds = asList(pick(req.data, 'EntryIds'));
  const draftWhenSaveFail = asBool(pick(req.data, 'IsDraftWhenSaveFail'), false);
  const successes: K3SuccessEntity[] = [];
  const errors: OpError[] = [];
  for (const [dIndex, key] of keys.entries()) {
    const result = await withTransaction(ctx.pool, (client) =>
      pushOne(ctx, client, { source, target, rule, key, entryIds, draftWhenSaveFail }),
    );
    if (Array.isArray(result)) {
      errors.push(...result.map((e) => ({ ...e, dIndex })));
      continue;
    }
    successes.push({ Id: Number(result.id), Number: result.billNo, DIndex: dIndex });
    // The target exists (as a draft) but saving it failed: report why, as K3 does.
    errors.push(...result.draftReasons.map((e) => ({ ...e, message: `${target.title}“${result.billNo}”已暂存：${e.message}`, dIndex })));
  }
  return { body: envelope({ successes, errors }), formId: source.formId };
}
