import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isExpression } from '../../../lib/flow-editor-model';
import type { JsonSchema } from '../../../lib/schema-form-model';
import { ExpressionEditor } from './expression-editor';

type Kind = 'text' | 'number' | 'integer' | 'boolean' | 'select' | 'json';

function kindOf(schema: JsonSchema): Kind {
  if (Array.isArray(schema.enum)) return 'select';
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (type === 'string') return 'text';
  if (type === 'integer') return 'integer';
  if (type === 'number') return 'number';
  if (type === 'boolean') return 'boolean';
  return 'json';
}

/** The literal an expression stands for when it is written as one (`"SO-1"`, `42`, `{ "a": 1 }`), else undefined. */
function literalOf(source: string, kind: Kind): unknown {
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch {
    return undefined;
  }
  const fits = kind === 'json' || (kind === 'boolean' ? typeof value === 'boolean' : kind === 'number' || kind === 'integer' ? typeof value === 'number' : typeof value === 'string');
  return fits ? value : undefined;
}

function sameJson(text: string, value: unknown): boolean {
  try {
    return text.trim() !== '' && JSON.stringify(JSON.parse(text)) === JSON.stringify(value);
  } catch {
    return false;
  }
}

interface ParamFieldProps {
  name: string;
  schema: JsonSchema;
  required: boolean;
  value: unknown;
  onChange: (value: unknown) => void;
  /** Messages of the compiler about this parameter. */
  problems: string[];
}

/**
 * One parameter of a node: an input that fits its schema (text, number, checkbox, choice, JSON for
 * lists and objects), or — switched with the ƒx button — a JSONata expression stored as `{ "$expr": … }`.
 */
export function ParamField({ name, schema, required, value, onChange, problems }: ParamFieldProps) {
  const { t } = useTranslation('designer');
  const id = useId();
  const expression = isExpression(value);
  const kind = kindOf(schema);
  const errorId = `${id}-error`;
  const [jsonText, setJsonText] = useState(() => (value === undefined || expression ? '' : JSON.stringify(value, null, 2)));
  const [jsonError, setJsonError] = useState(false);
  const [shownValue, setShownValue] = useState(value);
  if (shownValue !== value) {
    // Undo/redo or another edit replaced the value: show it, unless it is what is being typed.
    setShownValue(value);
    if (kind === 'json' && !expression && !sameJson(jsonText, value)) setJsonText(value === undefined ? '' : JSON.stringify(value, null, 2));
  }

  const shown = [...problems, ...(jsonError ? [t('param.invalidJson')] : [])];
  const common = { id, 'aria-invalid': shown.length > 0 ? true : undefined, 'aria-describedby': shown.length > 0 ? errorId : undefined } as const;

  // Literal ⇄ expression keeps what can be kept: a literal becomes the JSONata literal for it, an
  // expression that is just a literal becomes that literal; anything else is dropped (Undo restores it).
  function toggle() {
    if (expression) {
      const literal = literalOf(value.$expr.trim(), kind);
      if (kind === 'json') setJsonText(literal === undefined ? '' : JSON.stringify(literal, null, 2));
      onChange(literal);
    } else onChange({ $expr: value === undefined ? '' : JSON.stringify(value) });
  }

  let control;
  if (expression) {
    control = <ExpressionEditor id={id} label={name} value={value.$expr} placeholder="event.data.orderNo" invalid={shown.length > 0} {...(shown.length > 0 ? { describedBy: errorId } : {})} onChange={(source) => onChange({ $expr: source })} />;
  } else if (kind === 'boolean') {
    control = <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
  } else if (kind === 'select') {
    control = (
      <select {...common} className="input" value={typeof value === 'string' || typeof value === 'number' ? String(value) : ''} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}>
        <option value="">{t('param.notSet')}</option>
        {(schema.enum ?? []).map((o) => (
          <option key={String(o)} value={String(o)}>
            {String(o)}
          </option>
        ))}
      </select>
    );
  } else if (kind === 'number' || kind === 'integer') {
    control = (
      <input
        {...common}
        className="input"
        type="number"
        step={kind === 'integer' ? 1 : 'any'}
        value={typeof value === 'number' ? value : ''}
        placeholder={schema.default !== undefined ? String(schema.default) : undefined}
        onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
      />
    );
  } else if (kind === 'text') {
    control = <input {...common} className="input" type="text" value={typeof value === 'string' ? value : ''} placeholder={schema.default !== undefined ? String(schema.default) : undefined} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)} />;
  } else {
    control = (
      <textarea
        {...common}
        className="input mono"
        rows={3}
        spellCheck={false}
        value={jsonText}
        placeholder={schema.type === 'array' ? '[ ]' : '{ }'}
        onChange={(e) => {
          const text = e.target.value;
          setJsonText(text);
          if (text.trim() === '') {
            setJsonError(false);
            onChange(undefined);
            return;
          }
          try {
            const parsed: unknown = JSON.parse(text);
            setJsonError(false);
            onChange(parsed);
          } catch {
            setJsonError(true);
          }
        }}
      />
    );
  }

  return (
    <div className={kind === 'boolean' && !expression ? 'field field-check param-field' : 'field param-field'} data-param={name}>
      <div className="param-label">
        <label htmlFor={id}>
          {name}
          {required && <span className="required" aria-hidden="true"> *</span>}
          {expression && <span className="tag small">{t('param.expression')}</span>}
        </label>
        <button type="button" className={`btn btn-small${expression ? ' active' : ''}`} aria-pressed={expression} aria-label={t('param.useExpression', { name })} title={t('param.useExpression', { name })} onClick={toggle}>
          ƒx
        </button>
      </div>
      {control}
      {schema.description && <span className="hint">{schema.description}</span>}
      {shown.length > 0 && (
        <span id={errorId} className="field-error" role="alert">
          {shown.join(' ')}
        </span>
      )}
    </div>
  );
}
