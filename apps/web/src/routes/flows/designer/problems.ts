/** A compiler error as the server sends it (`CompileError` of @qiao/flow). */
export interface CompileErrorLike {
  code: string;
  nodeId?: string | undefined;
  edgeId?: string | undefined;
  path: (string | number)[];
  message: { en: string; 'zh-CN': string };
}

export function messageIn(error: CompileErrorLike, language: string): string {
  return language.startsWith('zh') ? error.message['zh-CN'] : error.message.en;
}

/** The errors of one node, by the parameter (or `connectionId`, `name`…) they concern; `''` for the node as a whole. */
export function errorsByField(errors: readonly CompileErrorLike[]): Map<string, CompileErrorLike[]> {
  const out = new Map<string, CompileErrorLike[]>();
  for (const e of errors) {
    const key = e.path[0] === 'parameters' ? String(e.path[1] ?? '') : e.path.length > 0 ? String(e.path[0]) : '';
    out.set(key, [...(out.get(key) ?? []), e]);
  }
  return out;
}
