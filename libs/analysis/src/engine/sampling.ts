/**
 * The sampling rule for windows above ANALYSIS_MAX_LINES (contract §2: sampled evenly across time; the analysis
 * is then `partial` with reason `sampled`). Pure and streaming, in bounded memory:
 *
 * - every offered line gets a level from a hash of its position in the stream: level ≥ k with probability 2^-k;
 * - the sampler keeps the lines whose level is at least a threshold, which starts at 0 (every line kept) and
 *   rises by one each time the kept lines would exceed the budget — the lines of the lowest kept level are
 *   then dropped retroactively, which a consumer can do when it counts per level (see LevelCounts).
 *
 * So a window at or under the budget keeps every line, and a larger one keeps a uniform 2^-k subsample of the
 * whole window (about half the budget to the budget): every stretch of time keeps the same share, whatever
 * the order in which pages and sources arrive. Deterministic for a given order.
 */

/** Levels 0..32 (clz32 of a 32-bit hash). */
export const SAMPLE_LEVELS = 33;

/** murmur3's 32-bit finaliser: a well-mixed hash of the line's position. */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export interface LineSampler {
  /** Offers the next line: its level if it is kept (for now), or -1 if it is dropped. */
  offer(): number;
  /** Lines with a level below this are not part of the sample (it only rises). */
  readonly threshold: number;
  readonly seen: number;
  /** Lines in the sample now (≤ maxLines). */
  readonly kept: number;
  /** True once the threshold rose: the analysis is `partial`, reason `sampled`. */
  readonly sampled: boolean;
}

/** A sampler with a budget of `maxLines` (Infinity or ≤ 0: no budget, every line kept). */
export function createLineSampler(maxLines: number): LineSampler {
  const budget = maxLines > 0 ? maxLines : Infinity;
  const hist = new Float64Array(SAMPLE_LEVELS);
  let threshold = 0;
  let seen = 0;
  let kept = 0;
  return {
    offer(): number {
      seen++;
      if (budget === Infinity) {
        kept++;
        return 0;
      }
      const level = Math.clz32(mix32(seen * 0x9e3779b1));
      if (level < threshold) return -1;
      hist[level]++;
      kept++;
      while (kept > budget && threshold < SAMPLE_LEVELS - 1) kept -= hist[threshold++];
      return level >= threshold ? level : -1;
    },
    get threshold() {
      return threshold;
    },
    get seen() {
      return seen;
    },
    get kept() {
      return kept;
    },
    get sampled() {
      return threshold > 0;
    },
  };
}

/** A count kept per sample level, read at the sampler's final threshold. */
export class LevelCounts {
  private readonly byLevel = new Uint32Array(SAMPLE_LEVELS);

  add(level: number): void {
    this.byLevel[level]++;
  }

  /** Lines counted at level ≥ threshold. */
  at(threshold: number): number {
    let s = 0;
    for (let l = threshold; l < SAMPLE_LEVELS; l++) s += this.byLevel[l];
    return s;
  }
}
