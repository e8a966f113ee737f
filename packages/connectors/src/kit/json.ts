import Decimal from 'decimal.js';

/**
 * JSON.parse that never loses digits: a number whose value a double cannot hold exactly
 * (more than 15 significant digits, e.g. an ERP amount of decimal(23,10)) comes back as a decimal
 * string instead of a silently rounded float. Everything else is identical to JSON.parse.
 */
export function parseJsonLossless(text: string): unknown {
  // Fast path: a number needs a run of at least 16 digits or dots to exceed 15 significant digits.
  if (!/[0-9.]{16,}/.test(text)) return JSON.parse(text);
  return new LosslessParser(text).parseDocument();
}

class LosslessParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parseDocument(): unknown {
    const value = this.parseValue();
    this.skipWhitespace();
    if (this.pos !== this.text.length) this.fail('Unexpected trailing characters');
    return value;
  }

  private parseValue(): unknown {
    this.skipWhitespace();
    const ch = this.text[this.pos];
    if (ch === '{') return this.parseObject();
    if (ch === '[') return this.parseArray();
    if (ch === '"') return this.parseString();
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return this.parseNumber();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    return this.fail('Unexpected token');
  }

  private parseObject(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.pos += 1;
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos += 1;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') this.fail('Expected a property name');
      const key = this.parseString();
      this.skipWhitespace();
      this.expect(':');
      // defineProperty so a "__proto__" key stays data, as with JSON.parse.
      Object.defineProperty(result, key, { value: this.parseValue(), enumerable: true, writable: true, configurable: true });
      this.skipWhitespace();
      if (this.text[this.pos] === ',') {
        this.pos += 1;
        continue;
      }
      this.expect('}');
      return result;
    }
  }

  private parseArray(): unknown[] {
    const result: unknown[] = [];
    this.pos += 1;
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos += 1;
      return result;
    }
    for (;;) {
      result.push(this.parseValue());
      this.skipWhitespace();
      if (this.text[this.pos] === ',') {
        this.pos += 1;
        continue;
      }
      this.expect(']');
      return result;
    }
  }

  private parseString(): string {
    // Find the closing quote, then let JSON.parse handle escapes exactly.
    let end = this.pos + 1;
    for (;;) {
      const ch = this.text[end];
      if (ch === undefined) this.fail('Unterminated string');
      if (ch === '\\') end += 2;
      else if (ch === '"') break;
      else end += 1;
    }
    const literal = this.text.slice(this.pos, end + 1);
    this.pos = end + 1;
    return JSON.parse(literal) as string;
  }

  private parseNumber(): number | string {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!match) return this.fail('Invalid number');
    const literal = match[0];
    this.pos += literal.length;
    const asNumber = Number(literal);
    const exact = new Decimal(literal);
    return Number.isFinite(asNumber) && exact.equals(new Decimal(asNumber)) ? asNumber : exact.toFixed();
  }

  private skipWhitespace(): void {
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      if (ch !== ' ' && ch !== '\n' && ch !== '\r' && ch !== '\t') return;
      this.pos += 1;
    }
  }

  private expect(ch: string): void {
    if (this.text[this.pos] !== ch) this.fail(`Expected '${ch}'`);
    this.pos += 1;
  }

  private fail(reason: string): never {
    throw new SyntaxError(`${reason} in JSON at position ${this.pos}`);
  }
}
