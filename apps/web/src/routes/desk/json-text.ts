export type ParsedJson = { ok: true; value: unknown } | { ok: false; line: number; column: number; message: string };

/** JSON.parse, with the line and column of the first error when the engine names a position. */
export function parseJsonText(text: string): ParsedJson {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const match = /position (\d+)/.exec(message);
    const offset = match ? Number(match[1]) : text.length;
    const before = text.slice(0, offset).split('\n');
    return { ok: false, line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1, message };
  }
}
