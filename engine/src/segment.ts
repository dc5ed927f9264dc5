import type { ScenarioPlan } from "./options.ts";

/**
 * k6 execution segments (lib/execution_segment.go): `--execution-segment a:b` and
 * `--execution-segment-sequence 0,a,b,…,1` give each instance a reproducible share of every
 * scenario, computed locally, so that the union of all segments is the unsegmented run.
 */

/** An exact non-negative rational, normalised (gcd 1, positive denominator). */
export interface Rat {
  n: bigint;
  d: bigint;
}

/** The (from, to] share of the work, 0 <= from < to <= 1. */
export interface Segment {
  from: Rat;
  to: Rat;
}

/** Which global indexes belong to a segment: `start`, then `start + offsets[0]`, … repeating. */
export interface Stripes {
  start: number;
  offsets: number[];
  lcd: number;
}

const gcd = (a: bigint, b: bigint): bigint => {
  let [x, y] = [a < 0n ? -a : a, b < 0n ? -b : b];
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
};

function rat(n: bigint, d: bigint): Rat {
  const g = gcd(n, d) || 1n;
  return d < 0n ? { n: -n / g, d: -d / g } : { n: n / g, d: d / g };
}

const cmp = (a: Rat, b: Rat): number => {
  const diff = a.n * b.d - b.n * a.d;
  return diff === 0n ? 0 : diff < 0n ? -1 : 1;
};
const sub = (a: Rat, b: Rat): Rat => rat(a.n * b.d - b.n * a.d, a.d * b.d);
const ZERO = rat(0n, 1n);
const ONE = rat(1n, 1n);
const show = (r: Rat): string => (r.d === 1n ? `${r.n}` : `${r.n}/${r.d}`);

/** Percentages (`25%`), decimals (`0.25`) and fractions (`1/4`), as k6's `stringToRat`. */
export function parseRat(text: string): Rat {
  const s = text.trim();
  if (s.endsWith("%")) {
    if (!/^-?\d+$/.test(s.slice(0, -1))) throw new Error(`'${s}' is not a valid percentage`);
    return rat(BigInt(s.slice(0, -1)), 100n);
  }
  const fraction = /^(-?\d+)\/(\d+)$/.exec(s);
  if (fraction?.[1] && fraction[2] && BigInt(fraction[2]) !== 0n)
    return rat(BigInt(fraction[1]), BigInt(fraction[2]));
  const decimal = /^(-?)(\d*)(?:\.(\d*))?$/.exec(s);
  if (decimal && `${decimal[2]}${decimal[3] ?? ""}` !== "") {
    const digits = decimal[3] ?? "";
    const n = BigInt(`${decimal[1]}${decimal[2] || "0"}${digits}`);
    return rat(n, 10n ** BigInt(digits.length));
  }
  throw new Error(`'${s}' is not a valid percentage, decimal, fraction or interval value`);
}

function newSegment(from: Rat, to: Rat): Segment {
  if (cmp(from, ZERO) < 0) throw new Error(`segment start value should be at least 0`);
  if (cmp(from, to) >= 0)
    throw new Error(`segment start (${show(from)}) should be less than its end (${show(to)})`);
  if (cmp(to, ONE) > 0) throw new Error(`segment end value shouldn't be more than 1`);
  return { from, to };
}

/** `a:b`, or `b` alone meaning `0:b`; empty means the whole test. */
export function parseSegment(text: string): Segment {
  const [fromText, toText] = text.includes(":") ? text.split(/:(.*)/s) : ["0", text || "1"];
  return newSegment(parseRat(fromText ?? "0"), parseRat(toText ?? "1"));
}

/** `r1,r2,…,rn` -> (r1,r2], (r2,r3], …; empty means no sequence. */
export function parseSequence(text: string): Segment[] {
  if (text === "") return [];
  const points = text.split(",").map(parseRat);
  if (points.length < 2)
    throw new Error(`at least 2 points are needed for an execution segment sequence`);
  return points.slice(1).map((to, i) => newSegment(points[i] as Rat, to));
}

/** Fills the gaps before and after so that the sequence covers 0..1 (k6's filled sequence). */
export function filledSequence(sequence: Segment[], segment: Segment | undefined): Segment[] {
  let result = sequence.length > 0 ? [...sequence] : segment ? [segment] : [];
  if (result.length === 0) return [{ from: ZERO, to: ONE }];
  const first = result[0] as Segment;
  const last = result[result.length - 1] as Segment;
  if (cmp(first.from, ZERO) !== 0) result = [{ from: ZERO, to: first.from }, ...result];
  if (cmp(last.to, ONE) !== 0) result = [...result, { from: last.to, to: ONE }];
  return result;
}

/** k6's ExecutionSegmentSequenceWrapper: the LCD of the lengths and the striped offsets. */
export class SegmentSequence {
  readonly lcd: number;
  /** Per segment: [start, offset1, offset2, …] (k6's `offsets`). */
  private readonly offsets: number[][];

  constructor(readonly segments: Segment[]) {
    const lengths = segments.map((s) => sub(s.to, s.from));
    let lcd = 1n;
    for (const length of lengths) lcd = (lcd * length.d) / gcd(lcd, length.d);
    // The striping walks the LCD once; k6 would too, but hang on a denominator like 10^9.
    if (lcd > 1_000_000n)
      throw new Error(
        `the segments' common denominator (${lcd}) is above 1000000; use simpler fractions`,
      );
    this.lcd = Number(lcd);
    const sorted = lengths
      .map((length, index) => ({ norm: Number(length.n * (lcd / length.d)), index }))
      .sort((a, b) => b.norm - a.norm);
    this.offsets = segments.map(() => []);
    const prev = segments.map(() => 0);
    const chosen = segments.map(() => 0);
    // k6's striping: index i goes to the biggest segment that is not ahead of its share.
    for (let i = 0; i < this.lcd; i += 1) {
      for (const [sortedIndex, count] of chosen.entries()) {
        const { norm, index } = sorted[sortedIndex] as { norm: number; index: number };
        const num = count * this.lcd;
        const quotient = Math.floor(num / norm);
        if (i > quotient || (i === quotient && num % norm === 0)) {
          chosen[sortedIndex] = count + 1;
          const list = this.offsets[index] as number[];
          list.push(i - (prev[index] as number));
          prev[index] = i;
          if (list.length === norm) list.push((list[0] as number) + this.lcd - i);
          break;
        }
      }
    }
  }

  stripes(index: number): Stripes {
    const [start, ...offsets] = this.offsets[index] as number[];
    return { start: start as number, offsets, lcd: this.lcd };
  }

  /** k6's ScaleInt64: how many of the first `value` indexes the segment owns. */
  scale(index: number, value: number): number {
    if (this.segments.length === 1) return value;
    return scaleByStripes(this.stripes(index), value);
  }

  /**
   * k6's GetNewExecutionSegmentSequenceFromValue: a sequence whose segments have the shares
   * each one gets of `value` (empty ones dropped); undefined if segment `index` gets none.
   */
  fromValue(
    value: number,
    index: number,
  ): { sequence: SegmentSequence; index: number } | undefined {
    if (value < 1) return undefined;
    if (value % this.lcd === 0) return { sequence: this, index };
    const segments: Segment[] = [];
    let newIndex = -1;
    let prev = 0;
    for (let i = 0; i < this.segments.length; i += 1) {
      const share = this.scale(i, value);
      if (share === 0) continue;
      if (i === index) newIndex = segments.length;
      segments.push({
        from: rat(BigInt(prev), BigInt(value)),
        to: rat(BigInt(prev + share), BigInt(value)),
      });
      prev += share;
    }
    return newIndex < 0 ? undefined : { sequence: new SegmentSequence(segments), index: newIndex };
  }
}

/** How many indexes below `value` are in the stripes. */
export function scaleByStripes(stripes: Stripes, value: number): number {
  const { start, offsets, lcd } = stripes;
  let result = Math.floor(value / lcd) * offsets.length;
  const rest = value % lcd;
  for (let k = 0, i = start; i < rest; i += offsets[k] as number, k += 1) result += 1;
  return result;
}

/** Whether global index `i` (0-based) belongs to the stripes. */
export function inStripes(stripes: Stripes, i: number): boolean {
  const target = i % stripes.lcd;
  for (let k = 0, j = stripes.start; j <= target; j += stripes.offsets[k] as number, k += 1)
    if (j === target) return true;
  return false;
}

/** One segment within its (filled) sequence: k6's ExecutionTuple. */
export interface ExecutionTuple {
  sequence: SegmentSequence;
  index: number;
}

/**
 * Resolves the two k6 flags into a tuple; throws an Error whose message names the flag.
 * Without a sequence, the segment is padded to a full sequence, as k6 does.
 */
export function executionTuple(segmentText?: string, sequenceText?: string): ExecutionTuple {
  let segment: Segment | undefined;
  let sequence: Segment[] = [];
  try {
    if (segmentText !== undefined) segment = parseSegment(segmentText);
  } catch (error) {
    throw new Error(
      `--execution-segment ${JSON.stringify(segmentText)}: ${(error as Error).message}`,
    );
  }
  try {
    if (sequenceText !== undefined) sequence = parseSequence(sequenceText);
  } catch (error) {
    throw new Error(
      `--execution-segment-sequence ${JSON.stringify(sequenceText)}: ${(error as Error).message}`,
    );
  }
  const filled = filledSequence(sequence, segment);
  let wrapped: SegmentSequence;
  try {
    wrapped = new SegmentSequence(filled);
  } catch (error) {
    throw new Error(
      `--execution-segment/--execution-segment-sequence: ${(error as Error).message}`,
    );
  }
  const from = segment?.from ?? ZERO;
  const index = filled.findIndex(
    (s) => cmp(s.from, from) === 0 && cmp(s.to, segment?.to ?? ONE) === 0,
  );
  if (index < 0) {
    throw new Error(
      `--execution-segment ${JSON.stringify(segmentText ?? "0:1")}: not a segment of --execution-segment-sequence ${JSON.stringify(sequenceText)}`,
    );
  }
  return { sequence: wrapped, index };
}

/** Thread `i` of `n`: segment i/n:(i+1)/n of the sequence 0,1/n,…,1. */
export function threadTuple(i: number, n: number): ExecutionTuple {
  const segments = Array.from({ length: n }, (_, k) => ({
    from: rat(BigInt(k), BigInt(n)),
    to: rat(BigInt(k + 1), BigInt(n)),
  }));
  return { sequence: new SegmentSequence(segments), index: i };
}

const scale = (t: ExecutionTuple, value: number) => t.sequence.scale(t.index, value);

/**
 * A scenario's share in a segment, as k6's executors compute it; undefined when the segment has
 * no work in it (k6's `HasWork`). VUs are scaled everywhere; shared iterations and arrival-rate
 * iterations are striped over the sequence the VU shares make (k6's `Init`); per-vu-iterations
 * keeps its iterations per VU.
 */
export function segmentPlan(plan: ScenarioPlan, tuple: ExecutionTuple): ScenarioPlan | undefined {
  const full = tuple.sequence.segments.length === 1;
  if (full) return plan;
  switch (plan.executor) {
    case "shared-iterations": {
      const vus = scale(tuple, plan.vus);
      const byVus = tuple.sequence.fromValue(plan.vus, tuple.index);
      if (vus === 0 || !byVus) return undefined;
      return { ...plan, vus, iterations: byVus.sequence.scale(byVus.index, plan.iterations) };
    }
    case "per-vu-iterations":
    case "constant-vus": {
      const vus = scale(tuple, plan.vus);
      return vus === 0 ? undefined : { ...plan, vus };
    }
    case "ramping-vus": {
      const vus = scale(tuple, plan.vus);
      if (vus === 0) return undefined;
      const stripes = tuple.sequence.stripes(tuple.index);
      return { ...plan, vus, startVUs: scale(tuple, plan.startVUs), stripes };
    }
    default: {
      const maxVUs = scale(tuple, plan.maxVUs);
      const byVus = tuple.sequence.fromValue(plan.maxVUs, tuple.index);
      if (maxVUs === 0 || !byVus) return undefined;
      return {
        ...plan,
        maxVUs,
        vus: maxVUs,
        preAllocatedVUs: scale(tuple, plan.preAllocatedVUs),
        stripes: byVus.sequence.stripes(byVus.index),
      };
    }
  }
}
