import ExcelJS from 'exceljs';
import type { Discrepancy, DiscrepancyKind } from '@qiao/runtime';
import type { z } from 'zod';
import type { summarySchema } from '../trpc/routers/reconciliation.router';

export interface ExportableReport {
  id: string;
  periodFrom: Date;
  periodTo: Date;
  finishedAt: Date | null;
  summary: z.infer<typeof summarySchema>;
  details: Discrepancy[];
}

// Headers carry both languages: the file goes to finance staff and auditors, whichever they read.
const SECTIONS: { kind: DiscrepancyKind; title: string }[] = [
  { kind: 'missing_in_erp', title: 'ERP缺失 Missing in ERP' },
  { kind: 'unknown_to_qiao', title: '桥未知 Unknown to Qiao' },
  { kind: 'not_recorded', title: '未记录 Not recorded' },
  { kind: 'mismatch', title: '字段不符 Mismatches' },
  { kind: 'duplicate', title: '重复 Duplicates' },
  { kind: 'shipped_not_invoiced', title: '发货未开票 Shipped not invoiced' },
  { kind: 'invoiced_not_shipped', title: '开票未发货 Invoiced not shipped' },
];

const SUMMARY_COLUMNS = [
  ['单据类型 Form', 'formId'], ['角色 Role', 'role'], ['桥数量 Qiao count', 'qiaoCount'], ['ERP数量 ERP count', 'erpCount'],
  ['桥金额 Qiao amount', 'qiaoAmount'], ['ERP金额 ERP amount', 'erpAmount'], ['ERP缺失 Missing in ERP', 'missingInErp'],
  ['桥未知 Unknown to Qiao', 'unknownToQiao'], ['未记录 Not recorded', 'notRecorded'], ['字段不符 Mismatched', 'mismatched'],
  ['重复 Duplicates', 'duplicates'], ['差异率 Discrepancy rate', 'discrepancyRate'],
] as const;

const DETAIL_HEADERS = ['类别 Kind', '单据类型 Form', '单据编号 Bill no.', '业务键 Business key', '运行 Run', '差异 Differences', '备注 Note'];

function diffText(d: Discrepancy): string {
  return d.diffs.map((x) => `${x.field}: ${x.expected ?? '∅'} → ${x.actual ?? '∅'}`).join('; ');
}

function detailRow(d: Discrepancy): string[] {
  return [d.kind, d.formId, d.billNo ?? '', d.businessKey ?? '', d.runId ?? '', diffText(d), d.note];
}

function summaryRows(report: ExportableReport): (string | number)[][] {
  return report.summary.types.map((t) => SUMMARY_COLUMNS.map(([, key]) => (key === 'discrepancyRate' ? Number((t.discrepancyRate * 100).toFixed(4)) : t[key])));
}

/** An .xlsx with the summary and one sheet per kind of finding. */
export async function reportWorkbook(report: ExportableReport): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Qiao';
  book.created = report.finishedAt ?? new Date();
  const summary = book.addWorksheet('汇总 Summary');
  summary.addRow(['报告 Report', report.id]);
  summary.addRow(['期间 Period', report.periodFrom.toISOString(), report.periodTo.toISOString()]);
  summary.addRow(['差异率 Discrepancy rate (%)', Number((report.summary.discrepancyRate * 100).toFixed(4))]);
  summary.addRow(['差异 Discrepancies', report.summary.discrepancies, '单据 Documents', report.summary.documents]);
  summary.addRow(['发货未开票 Shipped not invoiced', report.summary.shippedNotInvoiced, '开票未发货 Invoiced not shipped', report.summary.invoicedNotShipped]);
  summary.addRow([]);
  summary.addRow(SUMMARY_COLUMNS.map(([label]) => label)).font = { bold: true };
  for (const row of summaryRows(report)) summary.addRow(row);
  summary.columns.forEach((c) => (c.width = 18));
  for (const section of SECTIONS) {
    const sheet = book.addWorksheet(section.title.slice(0, 31));
    sheet.addRow(DETAIL_HEADERS).font = { bold: true };
    for (const d of report.details.filter((x) => x.kind === section.kind)) sheet.addRow(detailRow(d));
    sheet.columns.forEach((c) => (c.width = 20));
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** A cell as CSV: quoted when needed, and defused when a spreadsheet would read it as a formula. */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** CSV (UTF-8 with BOM, so Excel reads the Chinese): the summary per type, or the findings. */
export function reportCsv(report: ExportableReport, section: 'summary' | 'details'): string {
  const rows: (string | number)[][] = section === 'summary'
    ? [SUMMARY_COLUMNS.map(([label]) => label), ...summaryRows(report)]
    : [DETAIL_HEADERS, ...report.details.map(detailRow)];
  return `\uFEFF${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
