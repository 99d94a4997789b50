// Live watch: the last samples of working set and usage per container, and a sparkline to draw them.
import type { Analysis } from '../core/types.js';

const LEVELS = '▁▂▃▄▅▆▇█';

/**
 * A sparkline of exactly `width` cells of the last `width` values, newest on the right, padded on the left with
 * spaces. Each cell is one of ▁▂▃▄▅▆▇█ for value/max (a value at or above `max` is █); null (unknown) is a space.
 * `max` null or ≤ 0: scaled to the largest value.
 */
export function sparkline(values: ReadonlyArray<number | null>, width: number, max: number | null): string {
  if (width <= 0) return '';
  const shown = values.slice(-width);
  const known = shown.filter((v): v is number => v !== null && Number.isFinite(v));
  const top = max !== null && max > 0 ? max : Math.max(0, ...known);
  const cells = shown.map((v) => {
    if (v === null || !Number.isFinite(v)) return ' ';
    if (top <= 0) return LEVELS[0]!;
    const ratio = Math.max(0, v) / top;
    if (ratio >= 1) return LEVELS[LEVELS.length - 1]!;
    // Cell k is k+1 eighths high: pick the nearest height.
    return LEVELS[Math.min(LEVELS.length - 1, Math.max(0, Math.round(ratio * LEVELS.length) - 1))]!;
  });
  return ' '.repeat(width - cells.length) + cells.join('');
}

export interface ContainerSamples {
  workingSet: Array<number | null>;
  usage: Array<number | null>;
  /** The limit the samples are drawn against: the cgroup's, else the spec's; null = none. */
  limit: number | null;
}

/** Per container name. */
export type Samples = Record<string, ContainerSamples>;

export const DEFAULT_SAMPLE_LIMIT = 60;

/** Appends one analysis' working set and usage per container, keeping the last `keep` samples. */
export function addSample(samples: Samples, a: Analysis, keep = DEFAULT_SAMPLE_LIMIT): Samples {
  const out: Samples = {};
  for (const c of a.containers) {
    const prev = samples[c.name] ?? { workingSet: [], usage: [], limit: null };
    out[c.name] = {
      workingSet: [...prev.workingSet, c.workingSetBytes].slice(-keep),
      usage: [...prev.usage, c.usageBytes].slice(-keep),
      limit: c.cgroupLimitBytes ?? c.limitBytes,
    };
  }
  return out;
}
