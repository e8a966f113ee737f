/**
 * Editing value maps in the designer: pasted tables (TSV from Excel, CSV), row edits and the checks
 * shown while typing. The flow package's zod schema has the last word when the flow is validated.
 */

export interface EditorValueMapEntry {
  key: string;
  value: string;
}

export interface EditorValueMap {
  name: string;
  description?: string;
  entries: EditorValueMapEntry[];
}

/** Same rule as @qiao/flow's VALUE_MAP_NAME_PATTERN. */
export const MAP_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);
export const MAX_ENTRIES = 10_000;

export type NameProblem = 'empty' | 'pattern' | 'reserved' | 'taken';

export function nameProblem(name: string, others: readonly string[]): NameProblem | null {
  if (name === '') return 'empty';
  if (!MAP_NAME_PATTERN.test(name)) return 'pattern';
  if (RESERVED.has(name)) return 'reserved';
  if (others.includes(name)) return 'taken';
  return null;
}

/** A free name like `map_2` for a new map. */
export function newMapName(taken: readonly string[]): string {
  for (let i = 1; ; i++) {
    const name = i === 1 ? 'map' : `map_${i}`;
    if (!taken.includes(name)) return name;
  }
}

/**
 * Rows of a pasted table. Tabs separate cells when the text has any (what Excel and WPS copy),
 * otherwise commas; double quotes wrap cells that hold separators, quotes ("") or line breaks.
 */
export function parseDelimited(text: string): string[][] {
  const separator = text.includes('\t') ? '\t' : ',';
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  const endRow = () => {
    row.push(cell);
    cell = '';
    if (row.some((c) => c.trim() !== '')) rows.push(row);
    row = [];
  };
  while (i < text.length) {
    const ch = text.charAt(i);
    if (quoted) {
      if (ch === '"' && text.charAt(i + 1) === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else cell += ch;
      i++;
      continue;
    }
    if (ch === '"' && cell === '') quoted = true;
    else if (ch === separator) {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text.charAt(i + 1) === '\n') {
      endRow();
      i++;
    } else if (ch === '\n' || ch === '\r') endRow();
    else cell += ch;
    i++;
  }
  if (cell !== '' || row.length > 0) endRow();
  return rows;
}

export interface ImportResult {
  entries: EditorValueMapEntry[];
  added: number;
  updated: number;
  /** Rows skipped: an empty key, or fewer than two cells. */
  skipped: number;
}

/**
 * Pasted rows (first cell the key, second the value, both trimmed) merged into `entries`: a key
 * already there gets the new value in place, a new key is appended; the last of repeated keys wins.
 */
export function importRows(entries: readonly EditorValueMapEntry[], rows: readonly string[][], o: { skipHeader: boolean }): ImportResult {
  const out = entries.map((e) => ({ ...e }));
  const index = new Map(out.map((e, i) => [e.key, i]));
  let added = 0;
  let updated = 0;
  let skipped = 0;
  rows.forEach((cells, i) => {
    if (o.skipHeader && i === 0) return;
    const key = (cells[0] ?? '').trim();
    const value = cells[1];
    if (key === '' || value === undefined) {
      skipped++;
      return;
    }
    const at = index.get(key);
    if (at === undefined) {
      index.set(key, out.length);
      out.push({ key, value: value.trim() });
      added++;
    } else {
      const entry = out[at];
      if (entry) entry.value = value.trim();
      updated++;
    }
  });
  return { entries: out, added, updated, skipped };
}

/** Indexes of rows whose key is empty or repeats an earlier row's. */
export function invalidRows(entries: readonly EditorValueMapEntry[]): { empty: Set<number>; duplicate: Set<number> } {
  const seen = new Set<string>();
  const empty = new Set<number>();
  const duplicate = new Set<number>();
  entries.forEach((e, i) => {
    if (e.key === '') empty.add(i);
    else if (seen.has(e.key)) duplicate.add(i);
    seen.add(e.key);
  });
  return { empty, duplicate };
}

/** The value maps of an editor document, read defensively (the draft may hold anything). */
export function valueMapsOf(doc: { valueMaps?: unknown }): EditorValueMap[] {
  if (!Array.isArray(doc.valueMaps)) return [];
  return doc.valueMaps.flatMap((m: unknown) => {
    if (typeof m !== 'object' || m === null) return [];
    const r = m as Record<string, unknown>;
    if (typeof r['name'] !== 'string') return [];
    const entries = Array.isArray(r['entries'])
      ? r['entries'].flatMap((e: unknown) => {
          const x = e as Record<string, unknown> | null;
          return x && typeof x['key'] === 'string' && typeof x['value'] === 'string' ? [{ key: x['key'], value: x['value'] }] : [];
        })
      : [];
    return [{ name: r['name'], ...(typeof r['description'] === 'string' ? { description: r['description'] } : {}), entries }];
  });
}

/** Lookup tables as the flow compiler puts them in the plan (map → key → value), for previews. */
export function lookupTables(maps: readonly EditorValueMap[]): Record<string, Record<string, string>> {
  return Object.fromEntries(maps.map((m) => [m.name, Object.fromEntries(m.entries.map((e) => [e.key, e.value]))]));
}
