import type { FieldType } from '../forms/types';

/** Collects positional parameters so user values never become SQL text. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown, type?: FieldType): string {
    this.values.push(value);
    const ref = `$${this.values.length}`;
    if (!type) return ref;
    // Integer keys (FID, entry ids) compare as bigint so their indexes stay usable; anything else as numeric.
    if (type === 'int' && typeof value === 'string' && /^[-+]?\d{1,18}$/.test(value)) return `${ref}::bigint`;
    return `${ref}::${castFor(type)}`;
  }
}

export function castFor(type: FieldType): string {
  switch (type) {
    case 'text':
      return 'text';
    case 'number':
    case 'int':
      return 'numeric';
    case 'date':
      return 'date';
    case 'datetime':
      return 'timestamp';
  }
}
