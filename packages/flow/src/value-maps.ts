import { z } from 'zod';

/**
 * Value maps: small key → value tables kept in the flow document (CRM customer code → ERP customer
 * number, unit names → unit codes) and read from expressions with `$valueMap(name, key[, default])`.
 */

/** A map name appears in expressions as a string, but is kept identifier-like so it reads well and never reaches Object.prototype. */
export const VALUE_MAP_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
const RESERVED_MAP_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export const VALUE_MAP_LIMITS = { maps: 100, entriesPerMap: 10_000, keyLength: 500, valueLength: 2000 } as const;

export const valueMapEntrySchema = z.strictObject({
  key: z.string().min(1).max(VALUE_MAP_LIMITS.keyLength),
  value: z.string().max(VALUE_MAP_LIMITS.valueLength),
});
export type ValueMapEntry = z.infer<typeof valueMapEntrySchema>;

export const valueMapSchema = z
  .strictObject({
    name: z
      .string()
      .regex(VALUE_MAP_NAME_PATTERN)
      .refine((n) => !RESERVED_MAP_NAMES.has(n), { params: { qiao: 'reserved_value_map_name' } }),
    description: z.string().max(500).optional(),
    entries: z.array(valueMapEntrySchema).max(VALUE_MAP_LIMITS.entriesPerMap),
  })
  .superRefine((map, ctx) => {
    // A key listed twice would make the lookup depend on row order; refuse it and point at the repeat.
    const seen = new Set<string>();
    map.entries.forEach((entry, i) => {
      if (seen.has(entry.key)) ctx.addIssue({ code: 'custom', path: ['entries', i, 'key'], params: { qiao: 'duplicate_value_map_key', key: entry.key }, input: entry.key });
      seen.add(entry.key);
    });
  });
export type ValueMap = z.infer<typeof valueMapSchema>;

export const valueMapsSchema = z
  .array(valueMapSchema)
  .max(VALUE_MAP_LIMITS.maps)
  .superRefine((maps, ctx) => {
    const seen = new Set<string>();
    maps.forEach((map, i) => {
      if (seen.has(map.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], params: { qiao: 'duplicate_value_map_name', name: map.name }, input: map.name });
      seen.add(map.name);
    });
  })
  .meta({ description: 'Key → value tables (e.g. CRM customer code → ERP customer number) read from expressions with $valueMap(name, key[, default]).' });

/** What the plan carries and evaluation reads: map name → key → value. */
export type ValueMapTables = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** The lookup tables of a document's value maps; built with fromEntries so no key is special. */
export function valueMapTables(maps: readonly ValueMap[] | undefined): ValueMapTables {
  return Object.fromEntries((maps ?? []).map((m) => [m.name, Object.fromEntries(m.entries.map((e) => [e.key, e.value]))]));
}
