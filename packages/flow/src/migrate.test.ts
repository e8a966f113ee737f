import { describe, expect, it } from 'vitest';
import { migrateDocument, MIGRATIONS, type MigrationStep } from './migrate';

const v1 = {
  schemaVersion: 1,
  name: 'Flow',
  trigger: { eventType: 'com.qiao.test' },
  nodes: [{ id: 'a', type: 'core.delay', position: { x: 0, y: 0 }, parameters: { ms: 1 } }],
  edges: [],
};

// A fictional version 0 that called nodes "steps" and edges "links".
const v0ToV1: MigrationStep = {
  id: 'RenameStepsAndLinks',
  from: 0,
  to: 1,
  up(doc) {
    const { steps, links, ...rest } = doc;
    return { ...rest, nodes: steps, edges: links };
  },
};

describe('migrateDocument', () => {
  it('validates a current document and applies defaults', () => {
    const result = migrateDocument({ ...v1, nodes: [{ ...v1.nodes[0], retry: { maxAttempts: 4 } }] });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.document.nodes[0]?.retry).toEqual({ maxAttempts: 4, initialDelayMs: 1000, maxDelayMs: 60_000, multiplier: 2 });
    expect(MIGRATIONS).toEqual([]);
  });

  it('runs registered steps in order up to the current version without touching the input', () => {
    const { nodes, edges, ...rest } = v1;
    const old = { ...rest, schemaVersion: 0, steps: nodes, links: edges };
    const snapshot = JSON.stringify(old);
    const result = migrateDocument(old, { migrations: [v0ToV1] });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.document).toEqual({ ...v1, schemaVersion: 1 });
    expect(JSON.stringify(old)).toBe(snapshot);
  });

  it('fails when no step leads from the document version', () => {
    const result = migrateDocument({ ...v1, schemaVersion: 0 });
    expect(result).toEqual({ ok: false, errors: [expect.objectContaining({ code: 'unsupported_version', path: ['schemaVersion'] })] });
  });

  it('reports a step that throws', () => {
    const broken: MigrationStep = { ...v0ToV1, up: () => { throw new Error('boom'); } };
    const result = migrateDocument({ ...v1, schemaVersion: 0 }, { migrations: [broken] });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.message.en).toBe('Migration RenameStepsAndLinks failed: boom');
  });

  it('refuses versions from the future, odd versions and a missing version', () => {
    for (const schemaVersion of [2, 1.5, -1, '1']) {
      const result = migrateDocument({ ...v1, schemaVersion });
      expect(result.ok ? 'ok' : result.errors[0]?.code).toBe('unsupported_version');
    }
    const { schemaVersion: _v, ...noVersion } = v1;
    const missing = migrateDocument(noVersion);
    expect(missing.ok ? undefined : missing.errors[0]?.message).toEqual({ en: 'The document has no schemaVersion', 'zh-CN': '文档缺少 schemaVersion' });
  });

  it('reports schema issues after migration', () => {
    const result = migrateDocument({ ...v1, trigger: { eventType: '' } });
    expect(result.ok ? [] : result.errors).toEqual([expect.objectContaining({ code: 'schema', path: ['trigger', 'eventType'] })]);
    if (!result.ok) expect(result.errors[0]?.message['zh-CN']).toBe('字段 trigger.eventType 不能为空');
  });
});
