import { describe, expect, it } from 'vitest';
import { detectLanguage } from './index';
import { resources } from './resources';

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

function placeholders(text: unknown): string[] {
  return typeof text === 'string' ? [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1] ?? '').sort() : [];
}

function lookup(tree: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, k) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[k] : undefined), tree);
}

describe('translations', () => {
  it('zh-CN and en have the same namespaces and keys', () => {
    expect(Object.keys(resources['zh-CN']).sort()).toEqual(Object.keys(resources.en).sort());
    for (const ns of Object.keys(resources.en) as (keyof typeof resources.en)[]) {
      expect(keys(resources['zh-CN'][ns]).sort(), ns).toEqual(keys(resources.en[ns]).sort());
    }
  });

  it('no text is empty and both languages use the same placeholders', () => {
    for (const ns of Object.keys(resources.en) as (keyof typeof resources.en)[]) {
      for (const key of keys(resources.en[ns])) {
        const en = lookup(resources.en[ns], key);
        const zh = lookup(resources['zh-CN'][ns], key);
        expect(typeof en === 'string' && en.trim() !== '', `en ${ns}:${key}`).toBe(true);
        expect(typeof zh === 'string' && zh.trim() !== '', `zh-CN ${ns}:${key}`).toBe(true);
        expect(placeholders(zh), `${ns}:${key}`).toEqual(placeholders(en));
      }
    }
  });

  it('the Chinese texts are Chinese', () => {
    const han = /[\u4e00-\u9fff]/;
    const all = Object.values(resources['zh-CN']).flatMap((tree) => keys(tree).map((k) => String(lookup(tree, k))));
    const chinese = all.filter((t) => han.test(t)).length;
    expect(chinese / all.length).toBeGreaterThan(0.8);
  });
});

describe('language detection', () => {
  it('defaults to zh-CN for a Chinese browser and English otherwise', () => {
    expect(detectLanguage(null, 'zh-CN')).toBe('zh-CN');
    expect(detectLanguage(null, 'zh-TW')).toBe('zh-CN');
    expect(detectLanguage(null, 'zh')).toBe('zh-CN');
    expect(detectLanguage(null, 'en-US')).toBe('en');
    expect(detectLanguage(null, 'de-DE')).toBe('en');
    expect(detectLanguage(null, undefined)).toBe('en');
  });

  it('a stored choice wins; a stored nonsense value does not', () => {
    expect(detectLanguage('en', 'zh-CN')).toBe('en');
    expect(detectLanguage('zh-CN', 'en-US')).toBe('zh-CN');
    expect(detectLanguage('fr', 'en-US')).toBe('en');
  });
});
