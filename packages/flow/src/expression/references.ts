import { asNode, asNodes, asPairs, type AstNode } from './ast';
import { getCompiled, type CompiledExpression } from './parse';

export interface ExpressionReferences {
  /** Node ids read through `steps.X`, `$steps.X` or `$$.steps.X`, sorted, without duplicates. */
  steps: string[];
  /** Whether the expression reads the event (`event…`, `$event…`). */
  usesEvent: boolean;
  /**
   * Whether it reads `steps` in a way no name can be checked for (`$lookup($steps, $k)`, `steps.*`).
   * Such reads see only what the run provides; the compiler cannot vouch for them.
   */
  dynamicSteps: boolean;
}

class Collector {
  readonly steps = new Set<string>();
  usesEvent = false;
  dynamicSteps = false;

  result(): ExpressionReferences {
    return { steps: [...this.steps].sort(), usesEvent: this.usesEvent, dynamicSteps: this.dynamicSteps };
  }
}

const memo = new WeakMap<CompiledExpression, ExpressionReferences>();

/**
 * What an expression reads from its context, found by walking JSONata's AST. A bare name like
 * `steps` means the context's field only where the context is the root document — at the top
 * level, in blocks, arguments and lambdas defined there — not inside a filter `[...]` or a later
 * path step, where it names a field of the current item. Variables (`$steps`, `$$`) mean the same
 * everywhere. Unparseable source yields no references (the syntax error is reported separately).
 */
export function expressionReferences(source: string): ExpressionReferences {
  const entry = getCompiled(source);
  if (!entry.ok) return { steps: [], usesEvent: false, dynamicSteps: false };
  const known = memo.get(entry);
  if (known) return known;
  const c = new Collector();
  const root = asNode(entry.ast);
  if (root) visit(root, true, c);
  const refs = c.result();
  memo.set(entry, refs);
  return refs;
}

function visit(node: AstNode, atRoot: boolean, c: Collector): void {
  switch (node.type) {
    case 'path':
      visitPath(node, atRoot, c);
      break;
    case 'variable':
      standaloneVariable(node.value, atRoot, c);
      break;
    case 'name':
      if (atRoot && node.value === 'steps') c.dynamicSteps = true;
      if (atRoot && node.value === 'event') c.usesEvent = true;
      break;
    case 'bind':
      // The left side is the name being bound, not a read.
      visitChild(node.rhs, atRoot, c);
      break;
    case 'lambda':
      // A lambda body sees the context where the lambda was defined; its arguments are declarations.
      visitChild(node.body, atRoot, c);
      break;
    case 'transform':
      // `| pattern | update, delete |` runs against the value it is applied to.
      for (const child of [node.pattern, node.update, node.delete]) visitChild(child, false, c);
      break;
    default:
      for (const child of [node.lhs, node.rhs, node.expression, node.procedure, node.condition, node.then, node.else]) {
        visitChild(child, atRoot, c);
      }
      for (const child of [...asNodes(node.expressions), ...asNodes(node.arguments)]) visit(child, atRoot, c);
      visitSortTerms(node.terms, c);
  }
  visitItemScoped(node, c);
}

function visitChild(value: unknown, atRoot: boolean, c: Collector): void {
  const node = asNode(value);
  if (node) {
    visit(node, atRoot, c);
    return;
  }
  // Object constructors hold [key, value] pairs.
  for (const n of asPairs(value)) visit(n, atRoot, c);
}

/** Filters, stages and group-by clauses evaluate once per item of the value they follow. */
function visitItemScoped(node: AstNode, c: Collector): void {
  for (const list of [node.stages, node.predicate]) {
    if (!Array.isArray(list)) continue;
    for (const filter of list) {
      const expr = asNode(asNode(filter)?.expr);
      if (expr) visit(expr, false, c);
    }
  }
  const group = node.group;
  if (typeof group === 'object' && group !== null) {
    for (const n of asPairs((group as { lhs?: unknown }).lhs)) visit(n, false, c);
  }
}

function visitSortTerms(terms: unknown, c: Collector): void {
  if (!Array.isArray(terms)) return;
  for (const term of terms) {
    const expr = typeof term === 'object' && term !== null ? asNode((term as { expression?: unknown }).expression) : undefined;
    if (expr) visit(expr, false, c);
  }
}

function visitPath(node: AstNode, atRoot: boolean, c: Collector): void {
  const steps = asNodes(node.steps);
  steps.forEach((step, i) => {
    const stepAtRoot = i === 0 ? atRoot : false;
    if (step.type === 'variable' || (i === 0 && step.type === 'name')) {
      readChain(steps, i, stepAtRoot, c);
      visitItemScoped(step, c);
    } else if (step.type === 'name') {
      visitItemScoped(step, c);
    } else {
      visit(step, stepAtRoot, c);
    }
  });
  visitItemScoped(node, c);
}

/** Interprets the path steps from `start` as a read from the context. */
function readChain(steps: readonly AstNode[], start: number, atRoot: boolean, c: Collector): void {
  const head = steps[start];
  if (!head) return;
  const next = steps[start + 1];
  if (head.type === 'variable') {
    if (head.value === 'steps') readStep(next, c);
    else if (head.value === 'event') c.usesEvent = true;
    // `$$` is always the root document; `$` is only at the top level.
    else if (head.value === '$' || (head.value === '' && atRoot)) {
      if (next) readChain(steps, start + 1, true, c);
      else wholeDocument(c);
    }
    return;
  }
  if (head.type === 'name' && atRoot) {
    if (head.value === 'steps') readStep(next, c);
    else if (head.value === 'event') c.usesEvent = true;
  }
}

function readStep(next: AstNode | undefined, c: Collector): void {
  if (next?.type === 'name' && typeof next.value === 'string') c.steps.add(next.value);
  else c.dynamicSteps = true;
}

function standaloneVariable(name: unknown, atRoot: boolean, c: Collector): void {
  if (name === 'steps') c.dynamicSteps = true;
  else if (name === 'event') c.usesEvent = true;
  else if (name === '$' || (name === '' && atRoot)) wholeDocument(c);
}

function wholeDocument(c: Collector): void {
  c.usesEvent = true;
  c.dynamicSteps = true;
}
