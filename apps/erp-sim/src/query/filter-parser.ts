import type { CompareOp, FilterNode, Literal, Operand } from './filter-ast';
import { FilterSyntaxError } from './filter-ast';
import type { Keyword, Token } from './filter-lexer';
import { tokenize } from './filter-lexer';

/**
 * Recursive-descent parser for K3's legacy FilterString:
 *   expr := and ('or' and)* ; and := unary ('and' unary)* ; unary := 'not' unary | '(' expr ')' | predicate
 *   predicate := operand op operand | field ['not'] like literal | field ['not'] in (literal, …) | field is ['not'] null
 * Returns null for an empty filter. Never evaluates anything: the tree is compiled to parameterised SQL.
 */
export function parseFilter(input: string): FilterNode | null {
  const tokens = tokenize(input);
  const parser = new Parser(tokens);
  if (parser.peek().type === 'eof') return null;
  const node = parser.expr();
  const rest = parser.peek();
  if (rest.type !== 'eof') throw new FilterSyntaxError('多余的内容', rest.pos);
  return node;
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  peek(): Token {
    return this.tokens[this.index] ?? { type: 'eof', pos: 0 };
  }

  private next(): Token {
    const token = this.peek();
    if (token.type !== 'eof') this.index++;
    return token;
  }

  private isKeyword(word: Keyword, token: Token = this.peek()): boolean {
    return token.type === 'keyword' && token.value === word;
  }

  private expectKeyword(word: Keyword): void {
    const token = this.next();
    if (!this.isKeyword(word, token)) throw new FilterSyntaxError(`应为 ${word}`, token.pos);
  }

  expr(): FilterNode {
    let left = this.and();
    while (this.isKeyword('or')) {
      this.next();
      left = { type: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): FilterNode {
    let left = this.unary();
    while (this.isKeyword('and')) {
      this.next();
      left = { type: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): FilterNode {
    const token = this.peek();
    if (this.isKeyword('not')) {
      this.next();
      return { type: 'not', expr: this.unary() };
    }
    if (token.type === 'lparen') {
      this.next();
      const inner = this.expr();
      const close = this.next();
      if (close.type !== 'rparen') throw new FilterSyntaxError('缺少 )', close.pos);
      return inner;
    }
    return this.predicate();
  }

  private predicate(): FilterNode {
    const start = this.peek();
    const left = this.operand();
    const token = this.peek();
    if (token.type === 'op') {
      this.next();
      const op: CompareOp = token.value === '!=' ? '<>' : (token.value as CompareOp);
      return { type: 'compare', left, op, right: this.operand() };
    }
    if (left.kind !== 'field') throw new FilterSyntaxError('应为比较运算符', token.pos);
    const field = left.name;
    let negated = false;
    if (this.isKeyword('not')) {
      this.next();
      negated = true;
    }
    if (this.isKeyword('like')) {
      this.next();
      return { type: 'like', field, pattern: this.literal(), negated };
    }
    if (this.isKeyword('in')) {
      this.next();
      return { type: 'in', field, values: this.list(), negated };
    }
    if (!negated && this.isKeyword('is')) {
      this.next();
      if (this.isKeyword('not')) {
        this.next();
        negated = true;
      }
      this.expectKeyword('null');
      return { type: 'isNull', field, negated };
    }
    throw new FilterSyntaxError(`字段 ${field} 后应为运算符`, token.type === 'eof' ? start.pos : token.pos);
  }

  private list(): Literal[] {
    const open = this.next();
    if (open.type !== 'lparen') throw new FilterSyntaxError('in 后应为 (', open.pos);
    const values: Literal[] = [this.literal()];
    for (;;) {
      const token = this.next();
      if (token.type === 'rparen') return values;
      if (token.type !== 'comma') throw new FilterSyntaxError('应为 , 或 )', token.pos);
      values.push(this.literal());
    }
  }

  private operand(): Operand {
    const token = this.peek();
    if (token.type === 'ident') {
      this.next();
      return { kind: 'field', name: token.value };
    }
    return this.literal();
  }

  private literal(): Literal {
    const token = this.next();
    if (token.type === 'string') return { kind: 'string', value: token.value };
    if (token.type === 'number') return { kind: 'number', value: token.value };
    if (token.type === 'keyword' && token.value === 'null') return { kind: 'null' };
    throw new FilterSyntaxError('应为值', token.pos);
  }
}
