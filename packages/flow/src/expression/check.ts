import type { LocalizedText } from '../registry';
import { getCompiled } from './parse';
import { syntaxDetail } from './syntax-messages';

export type SyntaxCheck = { ok: true } | { ok: false; position: number; code: string; message: LocalizedText };

/**
 * The compiler's syntax verdict on one expression (JSONata's parser plus Qiao's refusals of $eval
 * and of regexes RE2 cannot run), with a bilingual message: for editors that check as you type.
 */
export function checkExpressionSyntax(source: string): SyntaxCheck {
  const entry = getCompiled(source);
  if (entry.ok) return { ok: true };
  return { ok: false, position: entry.position, code: entry.code, message: syntaxDetail(entry) };
}
