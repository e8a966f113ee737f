import type { FieldType } from '../forms/types';

/** K3 prints dates as 2025-01-31T00:00:00 and timestamps with a T separator. */
export function k3Date(value: string | null): string | null {
  return value === null ? null : `${value.slice(0, 10)}T00:00:00`;
}

export function k3DateTime(value: string | null): string | null {
  return value === null ? null : value.replace(' ', 'T');
}

/** Database text → JSON value of the field's type (NUMERIC arrives as text; it becomes a JSON number). */
export function formatValue(value: unknown, type: FieldType): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'number':
    case 'int':
      return Number(value);
    case 'date':
      return k3Date(String(value));
    case 'datetime':
      return k3DateTime(String(value));
    case 'text':
      return String(value);
  }
}
