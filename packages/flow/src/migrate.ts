import type { z } from 'zod';
import { CURRENT_SCHEMA_VERSION, flowDocumentSchema, type FlowDocument } from './document';
import type { CompileError, Path } from './errors';
import { toPlainJson } from './json';
import { describeIssue, fieldSubject, messages } from './messages';

/**
 * One named, ordered step that lifts a document from `from` to `to`. `up` receives a private
 * deep copy, so it may mutate and return it; `schemaVersion` is set to `to` after it returns.
 */
export interface MigrationStep {
  id: string;
  from: number;
  to: number;
  up(document: Record<string, unknown>): Record<string, unknown>;
}

/** The built-in steps, oldest first. Version 1 is the first published version, so none exist yet. */
export const MIGRATIONS: readonly MigrationStep[] = [];

export interface MigrateOptions {
  /** Replaces the built-in list; for tests of the migration machinery. */
  migrations?: readonly MigrationStep[];
}

export type MigrateResult = { ok: true; document: FlowDocument } | { ok: false; errors: CompileError[] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function versionError(message: CompileError['message']): MigrateResult {
  return { ok: false, errors: [{ code: 'unsupported_version', path: ['schemaVersion'], message }] };
}

/** Reads `schemaVersion`, applies the steps up to the current version, then validates. */
export function migrateDocument(raw: unknown, options?: MigrateOptions): MigrateResult {
  if (!isRecord(raw)) return validate(raw);
  const version = raw['schemaVersion'];
  if (version === undefined) return versionError(messages.missingVersion());
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0 || version > CURRENT_SCHEMA_VERSION) {
    return versionError(messages.unsupportedVersion({ version, current: CURRENT_SCHEMA_VERSION }));
  }
  const steps = options?.migrations ?? MIGRATIONS;
  let document: Record<string, unknown> = raw;
  let at = version;
  while (at < CURRENT_SCHEMA_VERSION) {
    const from = at;
    const step = steps.find((s) => s.from === from && s.to > from);
    if (!step) return versionError(messages.noMigration({ from, current: CURRENT_SCHEMA_VERSION }));
    try {
      // A JSON copy: the step may mutate it, the caller's value stays as it was.
      document = { ...step.up(toPlainJson(document) as Record<string, unknown>), schemaVersion: step.to };
    } catch (err) {
      return versionError(messages.migrationFailed({ id: step.id, detail: err instanceof Error ? err.message : String(err) }));
    }
    at = step.to;
  }
  return validate(document);
}

function validate(document: unknown): MigrateResult {
  const result = flowDocumentSchema.safeParse(document, { reportInput: true });
  if (result.success) return { ok: true, document: result.data };
  return { ok: false, errors: result.error.issues.map((issue) => schemaError(issue, document)) };
}

function toPath(path: readonly PropertyKey[]): Path {
  return path.map((p) => (typeof p === 'number' ? p : String(p)));
}

/** The id of `document[collection][index]`, when it has a string id. */
function idAt(document: unknown, collection: string, index: unknown): string | undefined {
  if (!isRecord(document) || typeof index !== 'number') return undefined;
  const list = document[collection];
  const item: unknown = Array.isArray(list) ? list[index] : undefined;
  const id = isRecord(item) ? item['id'] : undefined;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** Issues inside a node or edge are reported against it, with the path relative to it. */
function schemaError(issue: z.core.$ZodIssue, document: unknown): CompileError {
  const path = toPath(issue.path);
  const [head, index] = path;
  const nodeId = head === 'nodes' ? idAt(document, 'nodes', index) : undefined;
  const edgeId = head === 'edges' ? idAt(document, 'edges', index) : undefined;
  if (nodeId !== undefined || edgeId !== undefined) {
    const rest = path.slice(2);
    const field = fieldSubject(rest);
    const subject =
      nodeId !== undefined
        ? rest.length === 0
          ? { en: `Node ${nodeId}`, 'zh-CN': `节点 ${nodeId}` }
          : { en: `${field.en} of node ${nodeId}`, 'zh-CN': `节点 ${nodeId} 的${field['zh-CN']}` }
        : rest.length === 0
          ? { en: `Edge ${edgeId ?? ''}`, 'zh-CN': `连线 ${edgeId ?? ''}` }
          : { en: `${field.en} of edge ${edgeId ?? ''}`, 'zh-CN': `连线 ${edgeId ?? ''} 的${field['zh-CN']}` };
    return {
      code: 'schema',
      ...(nodeId !== undefined ? { nodeId } : { edgeId }),
      path: rest,
      message: describeIssue(issue, subject),
    };
  }
  return { code: 'schema', path, message: describeIssue(issue, fieldSubject(path)) };
}
