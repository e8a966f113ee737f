import { z } from 'zod';
import { defineAction } from '../../kit/define-connector';
import type { KingdeeContext } from '../auth';
import { DEFAULT_PAGE_SIZE, executeBillQuery } from '../query';
import { createKingdeeTransport } from '../transport';

export const queryBills = defineAction({
  id: 'queryBills',
  name: { en: 'Query bills', 'zh-CN': '查询单据' },
  description: {
    en: 'Runs ExecuteBillQuery and returns one object per row, keyed by field key; fetches every page up to the limit.',
    'zh-CN': '执行单据查询（ExecuteBillQuery），每行返回一个以字段标识为键的对象；自动翻页直到上限。',
  },
  input: z.object({
    formId: z.string().min(1),
    /** e.g. ["FBillNo", "FMaterialId.FNumber", "FBaseQty"] */
    fieldKeys: z.array(z.string().trim().min(1)).min(1),
    /** Kingdee FilterString, e.g. FDocumentStatus='C' and FDate>='2025-01-01' */
    filter: z.string().optional(),
    orderBy: z.string().optional(),
    /** Most rows to return across all pages. */
    limit: z.int().positive().optional(),
    pageSize: z.int().min(1).max(10_000).default(DEFAULT_PAGE_SIZE),
  }),
  output: z.object({ rows: z.array(z.record(z.string(), z.unknown())) }),
  async run(ctx: KingdeeContext, params) {
    const rows = await executeBillQuery(createKingdeeTransport(ctx), params);
    return { rows };
  },
});
