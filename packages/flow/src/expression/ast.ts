import type { RegexProblem } from './regex-engine';

/**
 * A narrow, typed view of JSONata's AST (its own typings use `any`). Only the fields the reference
 * walker and the safety checks read are described; everything else is left unknown.
 */
export interface AstNode {
  type: string;
  value?: unknown;
  position?: number;
  steps?: unknown;
  stages?: unknown;
  predicate?: unknown;
  group?: unknown;
  lhs?: unknown;
  rhs?: unknown;
  expression?: unknown;
  expressions?: unknown;
  arguments?: unknown;
  procedure?: unknown;
  body?: unknown;
  condition?: unknown;
  then?: unknown;
  else?: unknown;
  terms?: unknown;
  pattern?: unknown;
  update?: unknown;
  delete?: unknown;
  expr?: unknown;
}

export function asNode(value: unknown): AstNode | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return typeof (value as { type?: unknown }).type === 'string' ? (value as AstNode) : undefined;
}

export function asNodes(value: unknown): AstNode[] {
  if (!Array.isArray(value)) return [];
  const out: AstNode[] = [];
  for (const v of value) {
    const n = asNode(v);
    if (n) out.push(n);
  }
  return out;
}

/** `{ "a": x, "b": y }` constructors and group-by clauses hold `[key, value]` pairs. */
export function asPairs(value: unknown): AstNode[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((pair: unknown) => asNodes(pair));
}

/** Visits every node once, in no particular context; for checks that do not depend on scope. */
export function forEachNode(root: unknown, visit: (node: AstNode) => void): void {
  const seen = new WeakSet<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const current = stack.pop();
    if (typeof current !== 'object' || current === null || current instanceof RegExp || seen.has(current)) continue;
    seen.add(current);
    const node = asNode(current);
    if (node) visit(node);
    for (const child of Object.values(current)) {
      if (typeof child === 'object' && child !== null) stack.push(child);
    }
  }
}

export type UnsafeConstruct = { kind: 'eval'; position: number } | { kind: 'regex'; position: number; problem: RegexProblem };

export interface AstInspection {
  /** The first construct refused before evaluation; see parse.ts for why. */
  unsafe: UnsafeConstruct | undefined;
  /** Whether the expression has a regex literal (the only way JSONata makes a regex). */
  hasRegex: boolean;
}

/** One walk for what parse.ts needs to know before accepting an expression. */
export function inspectAst(root: unknown, checkRegex: (re: RegExp) => RegexProblem | undefined): AstInspection {
  let unsafe: UnsafeConstruct | undefined;
  let hasRegex = false;
  forEachNode(root, (node) => {
    const position = node.position ?? 0;
    if (node.type === 'regex' && node.value instanceof RegExp) {
      hasRegex = true;
      const problem = unsafe ? undefined : checkRegex(node.value);
      if (problem) unsafe = { kind: 'regex', position, problem };
    } else if (!unsafe && node.type === 'variable' && node.value === 'eval') {
      unsafe = { kind: 'eval', position };
    }
  });
  return { unsafe, hasRegex };
}
