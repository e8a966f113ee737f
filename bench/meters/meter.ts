import { gaussian } from './random';
import { loadFactor, type ProfileKind } from './load-profile';

/** A 6+2 digit kWh register, as on most Chinese three-phase meters (DL/T 645 XXXXXX.XX). */
export const REGISTER_MAX = 999_999.99;
/** Nominal phase voltage of a 380 V three-phase supply. */
const PHASE_VOLTAGE = 220;

export interface MeterSpec {
  meterId: string;
  profile: ProfileKind;
  /** Rated (peak) active power, kW. */
  ratedKw: number;
  /** Typical power factor of the load. */
  powerFactor: number;
  /** Register value at start, kWh. */
  startKwh: number;
}

export interface Reading {
  meterId: string;
  /** Device time, ms since epoch. */
  ts: number;
  /** Increments per reading; lets a receiver spot losses and duplicates. */
  seq: number;
  /** Cumulative imported active energy, kWh (register value: may roll over or reset, see `event`). */
  kwhImp: number;
  kwhExp: number;
  /** Instantaneous active power, kW. */
  kw: number;
  kvar: number;
  pf: number;
  /** Phase voltages (V) and currents (A), phases A, B, C. */
  v: [number, number, number];
  i: [number, number, number];
  hz: number;
  q: 'good';
  /** Set on the reading where the register wrapped past 999999.99 or the meter was replaced (starts from 0). */
  event?: 'rollover' | 'reset';
}

/** One simulated meter: energy integrates the power it draws, so the counter is monotonic between rollovers/resets. */
export class SimulatedMeter {
  private kwh: number;
  private seq = 0;
  private lastTs: number | null = null;

  constructor(
    readonly spec: MeterSpec,
    private readonly random: () => number,
  ) {
    this.kwh = spec.startKwh;
  }

  /** The reading at `ts`; `resetChance` is the chance per reading that the meter was replaced. */
  read(ts: number, resetChance = 0): Reading {
    const { spec, random } = this;
    // Load follows the profile, with ±5 % noise and, now and then, a machine starting up.
    const surge = random() < 0.002 ? 0.3 : 0;
    const share = Math.max(0, loadFactor(spec.profile, ts) * (1 + 0.05 * gaussian(random)) + surge);
    const kw = round(Math.min(spec.ratedKw * 1.3, spec.ratedKw * share), 3);
    let event: Reading['event'];
    if (this.lastTs !== null && ts > this.lastTs) {
      this.kwh += (kw * (ts - this.lastTs)) / 3_600_000;
      if (this.kwh > REGISTER_MAX) {
        this.kwh -= REGISTER_MAX + 0.01;
        event = 'rollover';
      }
    }
    if (resetChance > 0 && random() < resetChance) {
      this.kwh = 0;
      event = 'reset';
    }
    this.lastTs = ts;
    this.seq += 1;
    const pf = round(Math.min(0.999, Math.max(0.5, spec.powerFactor + 0.01 * gaussian(random))), 3);
    const kvar = round(kw * Math.tan(Math.acos(pf)), 3);
    const v: [number, number, number] = [0, 1, 2].map(() => round(PHASE_VOLTAGE * (1 + 0.01 * gaussian(random)), 1)) as [number, number, number];
    // P = Σ U·I·pf per phase, with a slight imbalance between phases.
    const i = v.map((u, k) => round(((kw * 1000) / (3 * u * pf)) * (1 + 0.03 * (k - 1) * (random() - 0.5)), 2)) as [number, number, number];
    return {
      meterId: spec.meterId, ts, seq: this.seq, kwhImp: round(this.kwh, 2), kwhExp: 0, kw, kvar, pf, v, i,
      hz: round(50 + 0.02 * gaussian(random), 2), q: 'good', ...(event ? { event } : {}),
    };
  }
}

/** A fleet: profiles mixed like a plant (mostly production), ratings spread log-normally from ~5 to ~500 kW. */
export function createFleet(count: number, random: () => number): SimulatedMeter[] {
  const width = String(count).length < 4 ? 4 : String(count).length;
  return Array.from({ length: count }, (_, index) => {
    const pick = random();
    const profile: ProfileKind = pick < 0.45 ? 'two-shift' : pick < 0.7 ? 'three-shift' : pick < 0.88 ? 'office' : 'compressor';
    const ratedKw = round(Math.min(800, Math.max(3, Math.exp(Math.log(40) + 1.1 * gaussian(random)))), 1);
    // A few meters start just below the register maximum so a rollover shows up in a demo run.
    const startKwh = random() < 0.005 ? round(REGISTER_MAX - 0.5 * random(), 2) : round(random() * 400_000, 2);
    const spec: MeterSpec = { meterId: `M-${String(index + 1).padStart(width, '0')}`, profile, ratedKw, powerFactor: 0.82 + 0.15 * random(), startKwh };
    return new SimulatedMeter(spec, random);
  });
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
