/**
 * Paired block bootstrap. A block is the base and head processes measured back to back; whole
 * blocks are resampled, so the pairing and the noise the two sides share (machine state,
 * neighbours, thermal drift) stay together and cancel in the comparison. Pure: every draw comes
 * from `seededRandom(seed)`.
 */
import { seededRandom } from "./change-points.ts";
import { quantile } from "./quantiles.ts";

/** Base and head values measured in one block. */
export interface PairedBlock {
  base: readonly number[];
  head: readonly number[];
}

export interface BootstrapOptions {
  /** Resamples; default 2000. */
  iterations?: number;
  /** Two-sided coverage of the percentile interval; default 0.95. */
  confidence?: number;
  seed: number;
}

export interface BootstrapInterval {
  /** The statistic on the original data. */
  estimate: number;
  /** Lower and upper percentile bounds of the resampled statistic. */
  low: number;
  high: number;
  iterations: number;
}

/**
 * Percentile interval of `statistic` over resamples of whole blocks with replacement. The
 * statistic receives the base and head values of the drawn blocks concatenated in draw order,
 * so index i of a one-value-per-block input still pairs base[i] with head[i].
 *
 * @throws RangeError with no blocks, a bad option, or a non-finite statistic.
 */
export function pairedBlockBootstrap(
  blocks: readonly PairedBlock[],
  statistic: (base: number[], head: number[]) => number,
  options: BootstrapOptions,
): BootstrapInterval {
  const { iterations = 2000, confidence = 0.95, seed } = options;
  if (blocks.length === 0) throw new RangeError("bootstrap needs at least one block");
  if (!Number.isInteger(iterations) || iterations < 1)
    throw new RangeError(`bootstrap iterations must be a positive integer, got ${iterations}`);
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`bootstrap confidence must be in (0, 1), got ${confidence}`);
  const evaluate = (drawn: readonly PairedBlock[]) => {
    const value = statistic(
      drawn.flatMap((b) => b.base),
      drawn.flatMap((b) => b.head),
    );
    if (!Number.isFinite(value)) throw new RangeError(`bootstrap statistic gave ${value}`);
    return value;
  };
  const estimate = evaluate(blocks);
  const random = seededRandom(seed);
  const resampled = new Array<number>(iterations);
  const drawn = new Array<PairedBlock>(blocks.length);
  for (let r = 0; r < iterations; r += 1) {
    for (let i = 0; i < blocks.length; i += 1)
      drawn[i] = blocks[Math.floor(random() * blocks.length)] as PairedBlock;
    resampled[r] = evaluate(drawn);
  }
  resampled.sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  return {
    estimate,
    low: quantile(resampled, tail),
    high: quantile(resampled, 1 - tail),
    iterations,
  };
}
