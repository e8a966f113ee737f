/**
 * Daily load shapes of plant meters, as a share of the meter's rated power by local time (China
 * Standard Time, UTC+8, no daylight saving). Values are typical shapes, not measurements.
 */
export type ProfileKind = 'two-shift' | 'three-shift' | 'office' | 'compressor';

export const PROFILE_KINDS: readonly ProfileKind[] = ['two-shift', 'three-shift', 'office', 'compressor'];

const CST_OFFSET_MS = 8 * 3600_000;

/** Hour of day (0–24, fractional) and whether it is a weekend, in China Standard Time. */
export function localTime(ts: number): { hour: number; day: number; weekend: boolean } {
  const local = new Date(ts + CST_OFFSET_MS);
  const day = local.getUTCDay();
  return { hour: local.getUTCHours() + local.getUTCMinutes() / 60 + local.getUTCSeconds() / 3600, day, weekend: day === 0 || day === 6 };
}

/** Smooth step from 0 to 1 around `at` over `width` hours. */
function ramp(hour: number, at: number, width = 0.5): number {
  const x = (hour - at) / width;
  return x <= -1 ? 0 : x >= 1 ? 1 : 0.5 + 0.5 * Math.sin((x * Math.PI) / 2);
}

/** Share of rated power (0–1) for a profile at a local time. */
export function loadFactor(kind: ProfileKind, ts: number): number {
  const { hour, day, weekend } = localTime(ts);
  switch (kind) {
    case 'two-shift': {
      // 08:00–24:00 production with a meal break at 12:00 and 18:00; standby at night; Saturday half, Sunday off.
      const on = ramp(hour, 8) * (1 - ramp(hour, 23.75, 0.25));
      const breaks = 0.4 * (Math.exp(-(((hour - 12.25) / 0.3) ** 2)) + Math.exp(-(((hour - 18.25) / 0.3) ** 2)));
      const working = 0.78 * on * (1 - breaks);
      const share = day === 0 ? 0 : day === 6 ? 0.5 : 1;
      return 0.12 + working * share;
    }
    case 'three-shift': {
      // Round the clock; short dips at the 00:00, 08:00 and 16:00 hand-overs.
      const dip = [0, 8, 16, 24].reduce((sum, at) => sum + Math.exp(-(((hour - at) / 0.2) ** 2)), 0);
      return (weekend ? 0.8 : 0.88) - 0.3 * dip;
    }
    case 'office': {
      // Offices, canteens, labs: 08:30–18:00 with a lunch dip, lighting and HVAC.
      const on = ramp(hour, 8.5) * (1 - ramp(hour, 18));
      const lunch = 0.25 * Math.exp(-(((hour - 12.25) / 0.4) ** 2));
      return weekend ? 0.08 : 0.08 + 0.7 * on * (1 - lunch);
    }
    case 'compressor': {
      // Air compressors and chillers: follow production, heavier in the warm afternoon.
      const day = 0.5 + 0.3 * Math.sin(((hour - 9) / 24) * 2 * Math.PI);
      return weekend ? 0.3 : Math.max(0.2, day);
    }
  }
}
