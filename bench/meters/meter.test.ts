import { describe, expect, it } from 'vitest';
import { loadFactor } from './load-profile';
import { createFleet, REGISTER_MAX, SimulatedMeter } from './meter';
import { seededRandom } from './random';

const monday = (hour: number) => Date.parse('2026-11-23T00:00:00+08:00') + hour * 3600_000;

describe('meter simulator', () => {
  it('counters only grow between flagged rollovers, and energy matches the integrated power', () => {
    const [meter] = createFleet(1, seededRandom(7));
    if (!meter) throw new Error('no meter');
    let last = meter.read(monday(9));
    let energy = 0;
    for (let s = 1; s <= 3600; s += 1) {
      const reading = meter.read(monday(9) + s * 1000);
      expect(reading.seq).toBe(last.seq + 1);
      if (!reading.event) expect(reading.kwhImp).toBeGreaterThanOrEqual(last.kwhImp);
      energy += reading.kw / 3600;
      last = reading;
    }
    expect(last.kwhImp - meter.spec.startKwh).toBeCloseTo(energy, 0);
  });

  it('rolls over past 999999.99 and flags it; a reset is flagged and restarts from 0', () => {
    const meter = new SimulatedMeter({ meterId: 'M-1', profile: 'three-shift', ratedKw: 500, powerFactor: 0.9, startKwh: REGISTER_MAX - 0.05 }, seededRandom(1));
    meter.read(monday(10));
    const next = meter.read(monday(10) + 10_000);
    expect(next.event).toBe('rollover');
    expect(next.kwhImp).toBeLessThan(2);
    expect(meter.read(monday(10) + 11_000, 1)).toMatchObject({ event: 'reset', kwhImp: 0 });
  });

  it('loads follow the time of day: a two-shift line idles at night and works at 10:00, offices are quiet on Sunday', () => {
    expect(loadFactor('two-shift', monday(3))).toBeLessThan(0.2);
    expect(loadFactor('two-shift', monday(10))).toBeGreaterThan(0.8);
    expect(loadFactor('office', monday(6 * 24 + 11))).toBeLessThan(0.1);
    expect(loadFactor('three-shift', monday(8))).toBeLessThan(loadFactor('three-shift', monday(11)));
  });

  it('phase currents and power factor are consistent with the power', () => {
    const meter = new SimulatedMeter({ meterId: 'M-2', profile: 'three-shift', ratedKw: 100, powerFactor: 0.9, startKwh: 0 }, seededRandom(3));
    const r = meter.read(monday(11));
    const p = r.v.reduce((sum, u, k) => sum + (u * (r.i[k] ?? 0) * r.pf) / 1000, 0);
    expect(p).toBeCloseTo(r.kw, -0.5);
    expect(r.hz).toBeGreaterThan(49.9);
  });
});
