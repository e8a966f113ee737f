/**
 * The model behind forms generated from a JSON Schema (connection credentials today, node
 * parameters later): which fields to show for the current values, their initial values, what to
 * send, and the checks worth making before the server makes them all again.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  title?: string;
  description?: string;
}

export type FieldKind = 'text' | 'secret' | 'url' | 'integer' | 'number' | 'boolean' | 'select';

export interface Field {
  name: string;
  kind: FieldKind;
  required: boolean;
  options?: string[];
  defaultValue?: unknown;
  min?: number;
  max?: number;
  minLength?: number;
  pattern?: string;
  description?: string;
  /** The field that picks one of several shapes (e.g. the HTTP connector's auth `type`). */
  discriminator?: boolean;
  /** Text with line breaks (JSON Schema `format: "multiline"`, e.g. a PEM certificate): a text area, even for a secret. */
  multiline?: boolean;
}

/** Form state: every value as the input holds it (strings, booleans for checkboxes). */
export type FormValues = Record<string, string | boolean>;

export interface FormOptions {
  /** Fields holding secrets: masked, never prefilled, left empty on edit to keep the stored value. */
  secretFields: readonly string[];
  mode: 'create' | 'edit';
}

interface Branches {
  discriminator: string;
  options: { value: string; schema: JsonSchema }[];
}

function typeOf(schema: JsonSchema): string | undefined {
  return Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
}

/** A union of objects told apart by one constant property, if the schema is one. */
export function branchesOf(schema: JsonSchema): Branches | null {
  const variants = schema.oneOf ?? schema.anyOf;
  if (!variants || variants.length === 0) return null;
  const first = variants[0]?.properties ?? {};
  const discriminator = Object.keys(first).find((key) => variants.every((v) => typeof v.properties?.[key]?.const === 'string'));
  if (!discriminator) return null;
  return { discriminator, options: variants.map((v) => ({ value: String(v.properties?.[discriminator]?.const), schema: v })) };
}

/** The object schema that applies to these values (for a union: the branch the discriminator picks). */
export function activeObject(schema: JsonSchema, values: FormValues): JsonSchema {
  const branches = branchesOf(schema);
  if (!branches) return schema;
  const chosen = branches.options.find((o) => o.value === values[branches.discriminator]) ?? branches.options[0];
  return chosen?.schema ?? schema;
}

function kindOf(name: string, schema: JsonSchema, options: FormOptions): FieldKind {
  if (options.secretFields.includes(name)) return 'secret';
  if (Array.isArray(schema.enum)) return 'select';
  const type = typeOf(schema);
  if (type === 'integer') return 'integer';
  if (type === 'number') return 'number';
  if (type === 'boolean') return 'boolean';
  if (schema.format === 'uri' || schema.format === 'url') return 'url';
  return 'text';
}

/** The fields to show for the current values, in schema order. */
export function fieldsOf(schema: JsonSchema, values: FormValues, options: FormOptions): Field[] {
  const branches = branchesOf(schema);
  const object = activeObject(schema, values);
  const required = new Set(object.required ?? []);
  const fields: Field[] = [];
  for (const [name, prop] of Object.entries(object.properties ?? {})) {
    if (branches && name === branches.discriminator) {
      fields.push({ name, kind: 'select', required: true, options: branches.options.map((o) => o.value), discriminator: true });
      continue;
    }
    const field: Field = { name, kind: kindOf(name, prop, options), required: required.has(name) };
    if (Array.isArray(prop.enum)) field.options = prop.enum.map(String);
    if (prop.default !== undefined) field.defaultValue = prop.default;
    // zod writes ±2^53 for a plain integer; that is no bound worth showing.
    if (prop.minimum !== undefined && Math.abs(prop.minimum) < Number.MAX_SAFE_INTEGER) field.min = prop.minimum;
    if (prop.maximum !== undefined && Math.abs(prop.maximum) < Number.MAX_SAFE_INTEGER) field.max = prop.maximum;
    if (prop.minLength !== undefined) field.minLength = prop.minLength;
    if (prop.pattern !== undefined) field.pattern = prop.pattern;
    if (prop.description !== undefined) field.description = prop.description;
    if (prop.format === 'multiline' && (field.kind === 'text' || field.kind === 'secret')) field.multiline = true;
    fields.push(field);
  }
  return fields;
}

function asInput(value: unknown): string | boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * Starting values: defaults on create; on edit, the stored non-secret values the server shows
 * (its summary). Secret fields always start empty.
 */
export function initialValues(schema: JsonSchema, options: FormOptions & { known?: Record<string, unknown> }): FormValues {
  const values: FormValues = {};
  const branches = branchesOf(schema);
  const knownBranch = branches ? asInput(options.known?.[branches.discriminator]) : undefined;
  if (branches) values[branches.discriminator] = typeof knownBranch === 'string' ? knownBranch : (branches.options[0]?.value ?? '');
  const assign = (object: JsonSchema) => {
    for (const [name, prop] of Object.entries(object.properties ?? {})) {
      if (name in values && branches?.discriminator === name) continue;
      if (options.secretFields.includes(name)) {
        values[name] = '';
        continue;
      }
      const known = options.mode === 'edit' ? asInput(options.known?.[name]) : undefined;
      const fallback = options.mode === 'create' ? asInput(prop.default) : undefined;
      const enumFirst = options.mode === 'create' && Array.isArray(prop.enum) && (object.required ?? []).includes(name) ? asInput(prop.enum[0]) : undefined;
      values[name] = known ?? fallback ?? enumFirst ?? (typeOf(prop) === 'boolean' ? false : '');
    }
  };
  if (branches) for (const option of branches.options) assign(option.schema);
  else assign(schema);
  return values;
}

function converted(field: Field, value: string | boolean): unknown {
  if (field.kind === 'boolean') return value === true;
  const text = typeof value === 'string' ? value : String(value);
  if (field.kind === 'integer' || field.kind === 'number') return text.trim() === '' ? undefined : Number(text);
  return field.kind === 'secret' ? text : text.trim() === '' ? undefined : text.trim();
}

/**
 * What to send. Create: every filled-in field. Edit: only what changed, plus any secret typed in,
 * so an empty secret keeps the stored one and unchanged fields are not re-sent.
 */
export function toCredentials(schema: JsonSchema, values: FormValues, options: FormOptions & { initial?: FormValues }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fieldsOf(schema, values, options)) {
    const value = values[field.name];
    if (value === undefined) continue;
    if (field.kind === 'secret' && value === '') continue;
    if (options.mode === 'edit' && field.kind !== 'secret' && !field.discriminator && options.initial?.[field.name] === value) continue;
    const result = converted(field, value);
    if (result !== undefined && result !== '') out[field.name] = result;
  }
  return out;
}

export type FieldProblem = { kind: 'required' } | { kind: 'integer' } | { kind: 'number' } | { kind: 'min'; min: number } | { kind: 'max'; max: number } | { kind: 'pattern' } | { kind: 'url' };

/** Checks worth making before sending; the server checks everything again. */
export function checkValues(fields: readonly Field[], values: FormValues, mode: FormOptions['mode']): Record<string, FieldProblem> {
  const problems: Record<string, FieldProblem> = {};
  for (const field of fields) {
    const value = values[field.name];
    const text = typeof value === 'string' ? value.trim() : '';
    if (field.kind === 'boolean') continue;
    if (text === '') {
      // On edit an empty secret keeps the stored one.
      if (field.required && !(mode === 'edit' && field.kind === 'secret')) problems[field.name] = { kind: 'required' };
      continue;
    }
    if (field.kind === 'integer' || field.kind === 'number') {
      const n = Number(text);
      if (!Number.isFinite(n)) problems[field.name] = { kind: 'number' };
      else if (field.kind === 'integer' && !Number.isInteger(n)) problems[field.name] = { kind: 'integer' };
      else if (field.min !== undefined && n < field.min) problems[field.name] = { kind: 'min', min: field.min };
      else if (field.max !== undefined && n > field.max) problems[field.name] = { kind: 'max', max: field.max };
    } else if (field.kind === 'url' && !/^https?:\/\/[^\s/]+/i.test(text)) {
      problems[field.name] = { kind: 'url' };
    } else if (field.pattern && !safeTest(field.pattern, text)) {
      problems[field.name] = { kind: 'pattern' };
    }
  }
  return problems;
}

function safeTest(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    return true;
  }
}
