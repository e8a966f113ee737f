export interface BenchOrder {
  orderNo: string;
  orderDate: string;
  customer: { code: string };
  lines: { material: string; quantity: string; taxPrice: string; warehouse: string }[];
}
export function mapOrder(order: BenchOrder): unknown;
