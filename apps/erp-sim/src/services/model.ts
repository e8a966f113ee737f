import type { Dec } from '../decimal';
import { D, lineAmounts, toDecimal } from '../decimal';
import { MsgCode, opError } from '../envelope';
import type { OpError } from '../envelope';
import type { DocumentFormDef } from '../forms/types';
import type { MasterData, MasterKind } from '../store/master-data';
import { ruleById } from './push-rules';
import type { Json } from './request';
import { asString, isObject, pick } from './request';

export type { LinkRef, NormalizedDoc, NormalizedEntry } from './normalized-doc';
import type { LinkRef, NormalizedDoc, NormalizedEntry } from './normalized-doc';

/** `save` enforces required fields; `draft` (暂存) stores what it can. Base-data references are checked in both. */
export type NormalizeMode = 'save' | 'draft';

export const DEFAULT_TAX_RATE = '13';
export const EXT_NO_KEY = 'F_QIAO_ExtNo';

export function today(): string {
  const d = new Date();
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Base-data reference: {"FNumber":"x"} (any case), or a bare number string. */
export function refNumber(value: unknown): string | null {
  const raw = isObject(value) ? (pick(value, 'FNumber') ?? pick(value, 'Number')) : value;
  const text = asString(raw)?.trim() ?? '';
  return text === '' ? null : text;
}

/** Accepts "2025-01-31", "2025-01-31T10:00:00", "2025-01-31 10:00:00"; returns the date part. */
export function parseDate(value: unknown): string | null | 'invalid' {
  const text = asString(value)?.trim() ?? '';
  if (text === '') return null;
  const match = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?$/.exec(text);
  if (!match) return 'invalid';
  const [, y, m, d] = match;
  const iso = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  const check = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(check.getTime()) || check.toISOString().slice(0, 10) !== iso ? 'invalid' : iso;
}

class Collector {
  readonly errors: OpError[] = [];

  constructor(
    private readonly form: DocumentFormDef,
    readonly master: MasterData,
    private readonly mode: NormalizeMode,
  ) {}

  required(field: string, label: string): void {
    if (this.mode === 'save') {
      this.errors.push(opError(MsgCode.ValidationFailed, `字段“${label}”(${field})是必填项`, field));
    }
  }

  invalid(field: string, message: string): void {
    this.errors.push(opError(MsgCode.ValidationFailed, message, field));
  }

  reference(kind: MasterKind, field: string, label: string, value: unknown): string | null {
    const number = refNumber(value);
    if (number !== null && !this.master.has(kind, number)) {
      this.errors.push(
        opError(MsgCode.FieldNotFound, `字段“${label}”(${field})的值“${number}”在${this.form.title}引用的基础资料中不存在`, field),
      );
    }
    return number;
  }

  decimal(field: string, value: unknown, fallback: string): Dec {
    if (value === undefined || value === null || value === '') return new D(fallback);
    const d = toDecimal(value);
    if (d === null) {
      this.invalid(field, `字段 ${field} 的值“${String(value)}”不是有效数字`);
      return new D(0);
    }
    return d;
  }

  date(field: string, value: unknown): string | null {
    const parsed = parseDate(value);
    if (parsed === 'invalid') {
      this.invalid(field, `字段 ${field} 的日期“${String(value)}”格式错误`);
      return null;
    }
    return parsed;
  }
}

function headerKeys(form: DocumentFormDef): Set<string> {
  return new Set(
    ['FID', 'FBillNo', 'FDate', 'FDocumentStatus', 'FBillTypeID', EXT_NO_KEY, form.customer.key, form.entryKey, ...form.orgs.map((o) => o.key)].map(
      (k) => k.toLowerCase(),
    ),
  );
}

function entryKeys(form: DocumentFormDef): Set<string> {
  const e = form.entry;
  return new Set(
    ['FEntryID', 'FSeq', e.material, e.qty, e.taxPrice, e.taxRate, e.unit, e.deliveryDate ?? '', e.stock?.key ?? '', `${form.entryKey}_Link`]
      .filter((k) => k !== '')
      .map((k) => k.toLowerCase()),
  );
}

function extras(obj: Json, known: Set<string>): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(obj)) if (!known.has(k.toLowerCase())) out[k] = v;
  return out;
}

/** Hand-built link rows: `<EntryKey>_Link: [{<EntryKey>_Link_FRuleId, …_FSBillId, …_FSId}]`. */
function parseLinks(form: DocumentFormDef, entry: Json): LinkRef[] {
  const raw = pick(entry, `${form.entryKey}_Link`);
  if (!Array.isArray(raw)) return [];
  const links: LinkRef[] = [];
  for (const item of raw) {
    if (!isObject(item)) continue;
    const field = (suffix: string): string | null => {
      const key = Object.keys(item).find((k) => k.toLowerCase().endsWith(suffix.toLowerCase()));
      return key === undefined ? null : asString(item[key]);
    };
    const rule = ruleById(field('_FRuleId') ?? '');
    const sourceBillId = field('_FSBillId');
    const sourceEntryId = field('_FSId');
    if (rule && rule.target === form.formId && sourceBillId && sourceEntryId) {
      links.push({ ruleId: rule.id, sourceForm: rule.source, sourceBillId, sourceEntryId });
    }
  }
  return links;
}

function normalizeEntry(form: DocumentFormDef, raw: Json, c: Collector, ctx: { date: string; index: number }): NormalizedEntry {
  const e = form.entry;
  const master = c.master;
  const material = c.reference('material', e.material, '物料编码', pick(raw, e.material));
  if (material === null) c.required(e.material, '物料编码');
  const materialRecord = material === null ? undefined : master.material.get(material);
  let stock: string | null = null;
  if (e.stock) {
    stock = c.reference('stock', e.stock.key, '仓库', pick(raw, e.stock.key));
    // K3 fills the warehouse from the material's default when the entry names none.
    if (stock === null && e.stock.required) stock = materialRecord?.defaultStock ?? null;
    if (stock === null && e.stock.required) c.required(e.stock.key, `仓库(第${ctx.index + 1}行)`);
  }
  const qtyValue = pick(raw, e.qty);
  const qty = c.decimal(e.qty, qtyValue, '0');
  if (qtyValue === undefined || qtyValue === null || qtyValue === '') c.required(e.qty, e.qtyLabel);
  else if (qty.lte(0)) c.invalid(e.qty, `第${ctx.index + 1}行${e.qtyLabel}必须大于0`);
  const taxPrice = c.decimal(e.taxPrice, pick(raw, e.taxPrice), '0');
  if (taxPrice.isNegative()) c.invalid(e.taxPrice, `第${ctx.index + 1}行含税单价不能为负数`);
  const taxRate = c.decimal(e.taxRate, pick(raw, e.taxRate), DEFAULT_TAX_RATE);
  if (taxRate.isNegative() || taxRate.gte(100)) c.invalid(e.taxRate, `第${ctx.index + 1}行税率无效`);
  const deliveryDate = e.deliveryDate ? (c.date(e.deliveryDate, pick(raw, e.deliveryDate)) ?? ctx.date) : null;
  const id = asString(pick(raw, 'FEntryID'));
  return {
    id: id === null || id === '0' ? null : id,
    material,
    stock,
    unit: refNumber(pick(raw, e.unit)) ?? materialRecord?.unit ?? null,
    qty,
    taxPrice,
    taxRate,
    amounts: lineAmounts(qty, taxPrice, taxRate),
    deliveryDate,
    extra: extras(raw, entryKeys(form)),
    links: parseLinks(form, raw),
  };
}

/** Validates a K3 Model against a form and master data, computing line amounts with decimal.js. */
export function normalizeModel(
  form: DocumentFormDef,
  model: Json,
  master: MasterData,
  mode: NormalizeMode,
): { doc: NormalizedDoc; errors: OpError[] } {
  const c = new Collector(form, master, mode);
  const billNo = asString(pick(model, 'FBillNo'))?.trim() ?? '';
  const date = c.date('FDate', pick(model, 'FDate')) ?? today();
  const customer = c.reference('customer', form.customer.key, form.customer.label, pick(model, form.customer.key));
  if (customer === null) c.required(form.customer.key, form.customer.label);
  const orgValues = new Map<string, string | null>();
  for (const org of form.orgs) orgValues.set(org.key, c.reference('organization', org.key, org.label, pick(model, org.key)));
  const orgs: { main_org: string | null; second_org: string | null } = { main_org: null, second_org: null };
  for (const org of form.orgs) {
    const value = orgValues.get(org.key) ?? (org.fallbackTo ? (orgValues.get(org.fallbackTo) ?? null) : null);
    if (value === null && org.required) c.required(org.key, org.label);
    orgs[org.column] = value;
  }
  const rawEntries = pick(model, form.entryKey);
  const list = Array.isArray(rawEntries) ? rawEntries.filter(isObject) : [];
  if (list.length === 0) c.required(form.entryKey, '明细');
  const entries = list.map((raw, index) => normalizeEntry(form, raw, c, { date, index }));
  const header = extras(model, headerKeys(form));
  header.FBillTypeID = { FNumber: refNumber(pick(model, 'FBillTypeID')) ?? form.defaultBillType };
  const extNo = asString(pick(model, EXT_NO_KEY))?.trim() ?? '';
  const totals = entries.reduce(
    (t, e) => ({
      allAmount: t.allAmount.plus(e.amounts.allAmount),
      amount: t.amount.plus(e.amounts.amount),
      taxAmount: t.taxAmount.plus(e.amounts.taxAmount),
    }),
    { allAmount: new D(0), amount: new D(0), taxAmount: new D(0) },
  );
  return {
    doc: {
      billNo: billNo === '' ? null : billNo,
      date,
      customer,
      mainOrg: orgs.main_org,
      secondOrg: orgs.second_org,
      extNo: extNo === '' ? null : extNo,
      header,
      entries,
      totals,
    },
    errors: c.errors,
  };
}
