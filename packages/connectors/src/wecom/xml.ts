/**
 * A small strict parser for the XML WeCom sends: elements, text and CDATA, nothing else. No
 * attributes are kept, and DOCTYPE / ENTITY declarations are refused outright, so there is no
 * entity expansion (billion laughs, XXE) to defend against. Only the five predefined entities and
 * numeric character references are decoded. Depth, size and element count are bounded.
 *
 * Result: an element with children becomes an object (repeated names become arrays, in order);
 * an element with only text becomes its string (whitespace kept inside CDATA, trimmed outside).
 */
export type XmlValue = string | XmlObject | XmlValue[];
export interface XmlObject {
  [name: string]: XmlValue;
}

export class XmlError extends Error {
  override readonly name = 'XmlError';
}

export interface XmlLimits {
  maxBytes: number;
  maxDepth: number;
  maxElements: number;
}

const DEFAULT_LIMITS: XmlLimits = { maxBytes: 1024 * 1024, maxDepth: 32, maxElements: 10_000 };
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*/;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

interface Frame {
  name: string;
  children: [string, XmlValue][];
  text: string[];
}

/** Parses a document whose root is one element; returns `{ [rootName]: value }`. */
export function parseXml(text: string, limits: Partial<XmlLimits> = {}): XmlObject {
  const { maxBytes, maxDepth, maxElements } = { ...DEFAULT_LIMITS, ...limits };
  if (Buffer.byteLength(text, 'utf8') > maxBytes) throw new XmlError(`the document exceeds ${maxBytes} bytes`);
  let i = 0;
  let elements = 0;
  const stack: Frame[] = [];
  let root: XmlObject | undefined;

  const skipSpace = () => {
    while (i < text.length && /\s/.test(text.charAt(i))) i += 1;
  };

  // Prolog: an optional BOM and XML declaration, then whitespace and comments.
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  skipSpace();
  if (text.startsWith('<?xml', i)) {
    const end = text.indexOf('?>', i);
    if (end < 0) throw new XmlError('unterminated XML declaration');
    i = end + 2;
  }

  while (i < text.length) {
    if (stack.length === 0) {
      skipSpace();
      if (i >= text.length) break;
      if (root) {
        if (text.startsWith('<!--', i)) {
          i = skipComment(text, i);
          continue;
        }
        throw new XmlError(`content after the root element at offset ${i}`);
      }
    }
    const lt = text.indexOf('<', i);
    if (stack.length === 0 && lt !== i) throw new XmlError(`text outside the root element at offset ${i}`);
    if (lt < 0) throw new XmlError('unexpected end of document');
    const frame = stack[stack.length - 1];
    if (lt > i && frame) frame.text.push(decodeText(text.slice(i, lt)).trim());
    i = lt;
    if (text.startsWith('<![CDATA[', i)) {
      if (!frame) throw new XmlError('CDATA outside the root element');
      const end = text.indexOf(']]>', i + 9);
      if (end < 0) throw new XmlError('unterminated CDATA section');
      frame.text.push(text.slice(i + 9, end));
      i = end + 3;
    } else if (text.startsWith('<!--', i)) {
      i = skipComment(text, i);
    } else if (text.startsWith('<!', i) || text.startsWith('<?', i)) {
      throw new XmlError('declarations and processing instructions are not accepted (no DOCTYPE, no ENTITY)');
    } else if (text.startsWith('</', i)) {
      const match = NAME.exec(text.slice(i + 2, i + 2 + 256));
      if (!frame || !match || match[0] !== frame.name) throw new XmlError(`mismatched closing tag at offset ${i}`);
      i += 2 + match[0].length;
      skipSpace();
      if (text.charAt(i) !== '>') throw new XmlError(`malformed closing tag at offset ${i}`);
      i += 1;
      stack.pop();
      const value = valueOf(frame);
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push([frame.name, value]);
      else root = assemble([[frame.name, value]]);
    } else {
      const match = NAME.exec(text.slice(i + 1, i + 1 + 256));
      if (!match) throw new XmlError(`malformed tag at offset ${i}`);
      elements += 1;
      if (elements > maxElements) throw new XmlError(`more than ${maxElements} elements`);
      if (root) throw new XmlError('more than one root element');
      const name = match[0];
      const close = text.indexOf('>', i);
      if (close < 0) throw new XmlError('unterminated tag');
      const rest = text.slice(i + 1 + name.length, close);
      // WeCom's XML carries no attributes; anything but whitespace (and a self-closing slash) is refused.
      const selfClosing = rest.trimEnd().endsWith('/');
      if (!/^\s*\/?\s*$/.test(rest)) throw new XmlError(`attributes are not accepted (element ${name})`);
      i = close + 1;
      const created: Frame = { name, children: [], text: [] };
      if (selfClosing) {
        const parent = stack[stack.length - 1];
        if (parent) parent.children.push([name, '']);
        else root = assemble([[name, '']]);
      } else {
        if (stack.length >= maxDepth) throw new XmlError(`nesting deeper than ${maxDepth}`);
        stack.push(created);
      }
    }
  }
  if (stack.length > 0 || !root) throw new XmlError('unexpected end of document');
  return root;
}

function skipComment(text: string, at: number): number {
  const end = text.indexOf('-->', at + 4);
  if (end < 0) throw new XmlError('unterminated comment');
  return end + 3;
}

function valueOf(frame: Frame): XmlValue {
  if (frame.children.length === 0) return frame.text.join('');
  return assemble(frame.children);
}

/** Repeated names become arrays (in document order); defineProperty keeps a "__proto__" element a plain key. */
function assemble(children: [string, XmlValue][]): XmlObject {
  const byName = new Map<string, XmlValue[]>();
  for (const [name, value] of children) {
    const list = byName.get(name);
    if (list) list.push(value);
    else byName.set(name, [value]);
  }
  const out: XmlObject = {};
  for (const [name, values] of byName) {
    const value = values.length === 1 && values[0] !== undefined ? values[0] : values;
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function decodeText(raw: string): string {
  if (raw.includes('<') || raw.includes(']]>')) throw new XmlError('invalid character data');
  if (/&(?!(#x[0-9A-Fa-f]{1,6}|#[0-9]{1,7}|[a-z]{2,4});)/.test(raw)) throw new XmlError('a bare "&" in character data');
  return raw.replace(/&(#x[0-9A-Fa-f]{1,6}|#[0-9]{1,7}|[a-z]{2,4});/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return fromCodePoint(parseInt(ref.slice(2), 16), whole);
    if (ref.startsWith('#')) return fromCodePoint(parseInt(ref.slice(1), 10), whole);
    const named = ENTITIES[ref];
    if (named === undefined) throw new XmlError(`unknown entity &${ref};`);
    return named;
  });
}

function fromCodePoint(code: number, whole: string): string {
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw new XmlError(`invalid character reference ${whole}`);
  return String.fromCodePoint(code);
}

/** The text of a direct child, or undefined when absent or not text. */
export function textOf(object: XmlObject | undefined, name: string): string | undefined {
  if (!object || !Object.hasOwn(object, name)) return undefined;
  const value = object[name];
  return typeof value === 'string' ? value : undefined;
}
