import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldsOf, type Field, type FieldProblem, type FormValues, type JsonSchema } from '../lib/schema-form-model';

export interface SchemaFormProps {
  schema: JsonSchema;
  values: FormValues;
  onChange: (values: FormValues) => void;
  secretFields: readonly string[];
  mode: 'create' | 'edit';
  /** Problems per field: from checkValues, or the server's (keyed by field name). */
  problems?: Record<string, FieldProblem | string>;
  /** Label of a field; falls back to its name. */
  label?: (name: string) => string;
  /** Label of an enum option. */
  optionLabel?: (field: string, option: string) => string;
}

/**
 * A form generated from a JSON Schema (connections' auth schemas): text, URL, number, checkbox and
 * select fields, a union of shapes switched by its discriminator, and secret fields that are
 * masked, never prefilled and — when editing — left empty to keep the stored value.
 */
export function SchemaForm({ schema, values, onChange, secretFields, mode, problems = {}, label = (n) => n, optionLabel = (_f, o) => o }: SchemaFormProps) {
  const fields = fieldsOf(schema, values, { secretFields, mode });
  return (
    <div className="schema-form">
      {fields.map((field) => (
        <SchemaField
          key={field.name}
          field={field}
          value={values[field.name]}
          label={label(field.name)}
          optionLabel={(o) => optionLabel(field.name, o)}
          mode={mode}
          problem={problems[field.name]}
          onChange={(value) => onChange({ ...values, [field.name]: value })}
        />
      ))}
    </div>
  );
}

interface SchemaFieldProps {
  field: Field;
  value: string | boolean | undefined;
  label: string;
  optionLabel: (option: string) => string;
  mode: 'create' | 'edit';
  problem: FieldProblem | string | undefined;
  onChange: (value: string | boolean) => void;
}

function SchemaField({ field, value, label, optionLabel, mode, problem, onChange }: SchemaFieldProps) {
  const { t } = useTranslation('connections');
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const text = typeof value === 'string' ? value : '';
  const required = field.required && !(mode === 'edit' && field.kind === 'secret');
  const problemText = problem === undefined ? null : typeof problem === 'string' ? problem : t(`form.problem.${problem.kind}`, problem.kind === 'min' ? { value: problem.min } : problem.kind === 'max' ? { value: problem.max } : {});
  const hint = field.kind === 'secret' ? (mode === 'edit' ? t('form.secretKeep') : t('form.secretHint')) : field.defaultValue !== undefined ? t('form.default', { value: String(field.defaultValue) }) : null;
  const describedBy = [hint ? hintId : '', problemText ? errorId : ''].filter(Boolean).join(' ') || undefined;
  const common = { id, 'aria-invalid': problemText ? true : undefined, 'aria-describedby': describedBy, 'aria-required': required || undefined } as const;

  let control;
  if (field.kind === 'boolean') {
    control = <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
  } else if (field.kind === 'select') {
    control = (
      <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
        {!field.required && <option value="">{t('form.notSet')}</option>}
        {field.options?.map((o) => (
          <option key={o} value={o}>
            {optionLabel(o)}
          </option>
        ))}
      </select>
    );
  } else if (field.multiline) {
    // A password input would drop the line breaks of a PEM key; a secret is still never prefilled.
    control = (
      <textarea
        {...common}
        rows={field.kind === 'secret' ? 4 : 3}
        spellCheck={false}
        autoComplete="off"
        value={text}
        onChange={(e) => onChange(e.target.value)}
        placeholder={field.kind === 'secret' && mode === 'edit' ? t('form.secretPlaceholder') : field.defaultValue !== undefined && field.defaultValue !== '' ? String(field.defaultValue) : undefined}
      />
    );
  } else {
    const type = field.kind === 'secret' ? 'password' : field.kind === 'url' ? 'url' : field.kind === 'integer' || field.kind === 'number' ? 'number' : 'text';
    control = (
      <input
        {...common}
        type={type}
        value={text}
        onChange={(e) => onChange(e.target.value)}
        autoComplete={field.kind === 'secret' ? 'new-password' : 'off'}
        placeholder={field.kind === 'secret' && mode === 'edit' ? t('form.secretPlaceholder') : field.defaultValue !== undefined ? String(field.defaultValue) : undefined}
        {...(field.min !== undefined ? { min: field.min } : {})}
        {...(field.max !== undefined ? { max: field.max } : {})}
        {...(field.kind === 'integer' ? { step: 1 } : {})}
      />
    );
  }
  return (
    <div className={field.kind === 'boolean' ? 'field field-check' : 'field'} data-field={field.name}>
      <label htmlFor={id}>
        {label}
        {required && (
          <span className="required" aria-hidden="true">
            {' '}
            *
          </span>
        )}
      </label>
      {control}
      {hint && (
        <span id={hintId} className="hint">
          {hint}
        </span>
      )}
      {problemText && (
        <span id={errorId} className="field-error" role="alert">
          {problemText}
        </span>
      )}
    </div>
  );
}

