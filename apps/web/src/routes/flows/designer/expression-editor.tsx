import './mapping.css';
import type { ValueMapTables } from '@qiao/flow';
import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDebounced } from '../../../hooks/use-debounced';
import { errorLocation } from '../../../lib/expression-position';
import { useExpressionScope } from './expression-scope';
import { previewInput, useSampleData } from './sample-data';
import { useExpressionTools, type ExpressionTools } from './use-expression-tools';

const PREVIEW_DELAY_MS = 300;
const PREVIEW_MAX_CHARS = 4000;
/** Previews run in the page: keep them well inside what a keystroke may cost. */
const PREVIEW_LIMITS = { timeoutMs: 500, maxOutputBytes: 256 * 1024 } as const;

type Preview =
  | { kind: 'idle' }
  | { kind: 'noSample' }
  | { kind: 'pending' }
  | { kind: 'value'; text: string; truncated: boolean }
  | { kind: 'noValue' }
  | { kind: 'error'; message: string };

interface ExpressionEditorProps {
  /** The textarea's id, for the field's <label htmlFor>. */
  id: string;
  /** The field's name, shown above the mapping tree while this editor is the target. */
  label: string;
  value: string;
  onChange: (source: string) => void;
  placeholder?: string;
  rows?: number;
  /** Ids of elements that describe the field (its compiler problems). */
  describedBy?: string;
  invalid?: boolean;
}

function localized(message: { en: string; 'zh-CN': string }, language: string): string {
  return language.startsWith('zh') ? message['zh-CN'] : message.en;
}

/**
 * A JSONata expression: checked as you type with the compiler's own parser and refusals (the error
 * position marked), previewed against the sample data with the sandboxed evaluator, and the target
 * of fields picked in the mapping tree.
 */
export function ExpressionEditor({ id, label, value, onChange, placeholder, rows = 2, describedBy, invalid }: ExpressionEditorProps) {
  const { t, i18n } = useTranslation('mapping');
  const statusId = useId();
  const previewId = useId();
  const scope = useExpressionScope();
  const sample = useSampleData();
  const area = useRef<HTMLTextAreaElement>(null);
  const selection = useRef({ start: value.length, end: value.length });
  const latest = useRef({ value, onChange });
  const caretAfterInsert = useRef<number | null>(null);
  useLayoutEffect(() => {
    latest.current = { value, onChange };
    const caret = caretAfterInsert.current;
    if (caret !== null && area.current) {
      caretAfterInsert.current = null;
      area.current.setSelectionRange(caret, caret);
      selection.current = { start: caret, end: caret };
    }
  });

  const [focused, setFocused] = useState(false);
  // An empty editor that nobody has touched (the trigger filter of most flows) does not fetch the tools.
  const tools = useExpressionTools(focused || value.trim() !== '');
  const syntax = useMemo(() => (value.trim() === '' || !tools ? null : tools.checkExpressionSyntax(value)), [value, tools]);
  const location = syntax && !syntax.ok ? errorLocation(value, syntax.position) : null;

  function remember() {
    const el = area.current;
    if (el) selection.current = { start: el.selectionStart, end: el.selectionEnd };
  }

  function onFocus() {
    setFocused(true);
    const { setTarget } = scope;
    setTarget({
      id,
      label,
      insert(text) {
        const { value: current, onChange: change } = latest.current;
        const start = Math.min(selection.current.start, current.length);
        const end = Math.min(Math.max(selection.current.end, start), current.length);
        caretAfterInsert.current = start + text.length;
        change(current.slice(0, start) + text + current.slice(end));
        area.current?.focus();
      },
    });
  }

  const preview = usePreview(syntax?.ok === true ? value : '', { ...scope, tools });

  return (
    <div className="expression-editor">
      <textarea
        ref={area}
        id={id}
        className="input mono"
        rows={rows}
        spellCheck={false}
        value={value}
        placeholder={placeholder}
        aria-invalid={invalid || (location ? true : undefined)}
        aria-describedby={[describedBy, statusId, previewId].filter(Boolean).join(' ')}
        data-expression-editor=""
        onFocus={onFocus}
        onSelect={remember}
        onKeyUp={remember}
        onMouseUp={remember}
        onChange={(e) => {
          selection.current = { start: e.target.selectionStart, end: e.target.selectionEnd };
          onChange(e.target.value);
        }}
      />
      <div id={statusId} className="expression-status small" aria-live="polite">
        {value.trim() !== '' && !tools ? (
          <span className="muted">{t('editor.loading')}</span>
        ) : syntax === null ? null : syntax.ok ? (
          <span className="expression-ok">✓ {t('editor.syntaxOk')}</span>
        ) : (
          location && (
            <span className="field-error" data-testid="expression-syntax-error">
              {t('editor.syntaxError', { line: location.line, column: location.column, message: localized(syntax.message, i18n.language) })}
              <pre className="expression-marked" aria-hidden="true">
                {value.slice(0, location.index)}
                <mark>{value.slice(location.index, location.index + 1) || ' '}</mark>
                {value.slice(location.index + 1)}
              </pre>
            </span>
          )
        )}
      </div>
      <PreviewBox id={previewId} preview={preview} missing={tools ? missingSteps(syntax?.ok === true ? value : '', { tools, upstream: scope.upstream, sample: previewInput(sample).steps }) : []} />
    </div>
  );
}

function PreviewBox({ id, preview, missing }: { id: string; preview: Preview; missing: string[] }) {
  const { t } = useTranslation('mapping');
  if (preview.kind === 'idle') return <div id={id} hidden />;
  return (
    <div id={id} className="expression-preview small" data-testid="expression-preview" aria-live="polite">
      <span className="expression-preview-title">{t('editor.preview')}: </span>
      {preview.kind === 'noSample' && <span className="muted">{t('editor.noSample')}</span>}
      {preview.kind === 'pending' && <span className="muted">{t('editor.previewing')}</span>}
      {preview.kind === 'noValue' && <span className="muted">{t('editor.noValue')}</span>}
      {preview.kind === 'error' && <span className="field-error">{t('editor.failed', { message: preview.message })}</span>}
      {preview.kind === 'value' && (
        <pre className="expression-preview-value">
          {preview.text}
          {preview.truncated && ` ${t('editor.truncated')}`}
        </pre>
      )}
      {missing.length > 0 && preview.kind !== 'noSample' && <span className="muted"> {t('editor.missingSteps', { steps: missing.join(', ') })}</span>}
    </div>
  );
}

/** Upstream steps the expression reads that have no test-run output to preview with. */
function missingSteps(source: string, o: { tools: ExpressionTools; upstream: readonly string[] | null; sample: Record<string, unknown> }): string[] {
  if (source === '') return [];
  const read = o.tools.expressionReferences(source).steps;
  return read.filter((id) => !Object.hasOwn(o.sample, id) && (o.upstream === null || o.upstream.includes(id)));
}

/** The expression's value against the sample data, debounced; only upstream outputs are visible, as at run time. */
function usePreview(source: string, scope: { upstream: readonly string[] | null; valueMaps: ValueMapTables; tools: ExpressionTools | null }): Preview {
  const { i18n } = useTranslation();
  const sample = useSampleData();
  const settled = useDebounced(source, PREVIEW_DELAY_MS);
  const input = useMemo(() => {
    const all = previewInput(sample);
    const steps = scope.upstream === null ? all.steps : Object.fromEntries(Object.entries(all.steps).filter(([id]) => scope.upstream?.includes(id)));
    return { event: all.event, steps };
  }, [sample, scope.upstream]);
  const hasSample = input.event !== undefined || Object.keys(input.steps).length > 0;
  const [result, setResult] = useState<{ for: unknown; preview: Preview }>({ for: null, preview: { kind: 'idle' } });
  const { tools } = scope;
  const request = useMemo(() => ({ source: settled, input, valueMaps: scope.valueMaps }), [settled, input, scope.valueMaps]);

  useEffect(() => {
    if (request.source === '' || !hasSample || !tools) return;
    let live = true;
    tools.evaluateExpression(request.source, { event: request.input.event, steps: request.input.steps, valueMaps: request.valueMaps }, PREVIEW_LIMITS).then(
      (value) => {
        if (!live) return;
        if (value === undefined) return setResult({ for: request, preview: { kind: 'noValue' } });
        const text = JSON.stringify(value, null, 2);
        setResult({ for: request, preview: { kind: 'value', text: text.slice(0, PREVIEW_MAX_CHARS), truncated: text.length > PREVIEW_MAX_CHARS } });
      },
      (err: unknown) => {
        if (!live) return;
        const message = tools.isExpressionError(err) ? localized(err.message, i18n.language) : err instanceof Error ? err.message : String(err);
        setResult({ for: request, preview: { kind: 'error', message } });
      },
    );
    return () => {
      live = false;
    };
  }, [request, hasSample, i18n.language, tools]);

  if (source === '') return { kind: 'idle' };
  if (!hasSample) return { kind: 'noSample' };
  if (settled !== source || result.for !== request) return { kind: 'pending' };
  return result.preview;
}
