/**
 * Where a JSONata error position points. JSONata reports the offset just after the offending
 * token, so the character before it is marked; at the end of the text, the end itself is.
 */
export function errorLocation(source: string, position: number): { index: number; line: number; column: number } {
  const index = Math.max(0, Math.min(position - 1, source.length));
  const before = source.slice(0, index);
  const line = before.split('\n').length;
  const column = index - (before.lastIndexOf('\n') + 1) + 1;
  return { index, line, column };
}
