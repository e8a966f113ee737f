import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { VersionDiff } from './version-diff';

const node = (id: string, url: string, x = 0) => ({ id, type: 'http.request', name: `Step ${id}`, position: { x, y: 0 }, parameters: { method: 'POST', url } });
const v1 = { schemaVersion: 1, name: 'Orders', trigger: { eventType: 'order.created' }, nodes: [node('a', '/a'), node('b', '/b')], edges: [{ id: 'e1', source: 'a', target: 'b' }] };
const v2 = { ...v1, trigger: { eventType: 'order.paid' }, nodes: [node('a', '/a2', 80), node('c', '/c')], edges: [{ id: 'e2', source: 'a', target: 'c' }] };

describe('VersionDiff', () => {
  it('lists added, removed and changed steps and connections with the values that changed', () => {
    render(<VersionDiff before={v1} after={v2} beforeLabel="v1" afterLabel="v2" />);
    expect(screen.getByText(/v1 → v2/)?.textContent).toContain('6 differences');
    const items = screen.getAllByTestId('diff-element');
    expect(items.map((i) => i.textContent)).toEqual([
      expect.stringMatching(/^changed Step a.*moved on the canvas.*parameters\.url "\/a" → "\/a2"/),
      expect.stringMatching(/^removed Step b/),
      expect.stringMatching(/^added Step c/),
      expect.stringMatching(/^removed Step a → Step b/),
      expect.stringMatching(/^added Step a → Step c/),
    ]);
    const flow = screen.getByRole('heading', { name: 'Flow settings' }).parentElement as HTMLElement;
    expect(within(flow).getByText('trigger.eventType').parentElement?.textContent).toContain('"order.created" → "order.paid"');
  });

  it('says when two versions are identical', () => {
    render(<VersionDiff before={v1} after={structuredClone(v1)} beforeLabel="v1" afterLabel="v3" />);
    expect(screen.getByText('No differences.')).toBeTruthy();
    expect(screen.getByText(/v1 → v3/)?.textContent).toContain('identical');
  });

  it('shows the raw JSON line diff on request, folding unchanged lines', () => {
    const big = { ...v1, metadata: { notes: Array.from({ length: 30 }, (_, i) => `line ${i}`) } };
    const changed = { ...big, name: 'Orders (new)' };
    render(<VersionDiff before={big} after={changed} beforeLabel="v1" afterLabel="v2" />);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Raw JSON diff' }));
    const raw = screen.getByTestId('raw-diff');
    expect(raw?.textContent).toContain('-   "name": "Orders",');
    expect(raw?.textContent).toContain('+   "name": "Orders (new)",');
    expect(raw?.textContent).toMatch(/unchanged lines/);
    expect(raw.querySelectorAll('.diff-line-added')).toHaveLength(1);
    expect(raw.querySelectorAll('.diff-line-removed')).toHaveLength(1);
  });
});
