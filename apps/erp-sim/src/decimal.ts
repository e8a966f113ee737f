import Decimal from 'decimal.js';

// A private clone so the simulator's rounding never leaks into other packages sharing the process.
export const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = InstanceType<typeof D>;

/** Parses a JSON number or numeric string; null when absent or not a finite number. */
export function toDecimal(value: unknown): Dec | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'number' && typeof value !== 'string') return null;
  try {
    const d = new D(typeof value === 'number' ? String(value) : value.trim());
    return d.isFinite() ? d : null;
  } catch {
    return null;
  }
}

export interface LineAmounts {
  price: Dec;
  allAmount: Dec;
  amount: Dec;
  taxAmount: Dec;
}

/** Tax-inclusive line maths as K3 shows it: amounts to 2 places, the net unit price to 6. */
export function lineAmounts(qty: Dec, taxPrice: Dec, taxRate: Dec): LineAmounts {
  const divisor = new D(1).plus(taxRate.div(100));
  const allAmount = qty.times(taxPrice).toDecimalPlaces(2);
  const amount = allAmount.div(divisor).toDecimalPlaces(2);
  return {
    price: taxPrice.div(divisor).toDecimalPlaces(6),
    allAmount,
    amount,
    taxAmount: allAmount.minus(amount),
  };
}
