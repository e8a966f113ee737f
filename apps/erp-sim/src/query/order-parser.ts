import { FilterSyntaxError } from './filter-ast';

export interface OrderItem {
  field: string;
  descending: boolean;
}

/** "FBillNo desc, FDate" → items. Field keys are validated later against the form. */
export function parseOrder(input: string): OrderItem[] {
  const items: OrderItem[] = [];
  let offset = 0;
  for (const part of input.split(',')) {
    const text = part.trim();
    if (text !== '') {
      const match = /^\[?([A-Za-z_][A-Za-z0-9_.]*)\]?(?:\s+(asc|desc))?$/i.exec(text);
      if (!match?.[1]) throw new FilterSyntaxError(`排序表达式错误: ${text}`, offset);
      items.push({ field: match[1], descending: match[2]?.toLowerCase() === 'desc' });
    }
    offset += part.length + 1;
  }
  return items;
}
