import { describe, expect, it } from "vitest";
import type { FaultEvent, RequestSample } from "../adapters/fault-timeline.ts";
import { analyzeFaults, type RecoveryBand } from "./fault-impact.ts";

const T0 = 1_000_000;
/** Band of these hand-made timelines: p95 up to 2 × 10 ms + 10 ms = 30 ms, ≥ 5 requests a second. */
const BAND: RecoveryBand = {
  baselineSeconds: 5,
  successTolerance: 0.01,
  latencyFactor: 2,
  latencySlackMs: 10,
  minRequestShare: 0.5,
};

/** Ten requests in second `second` (from T0), at 50, 150, ... 950 ms into it. */
function second(
  at: number,
  make: (i: number) => Partial<RequestSample> = () => ({}),
): RequestSample[] {
  return Array.from({ length: 10 }, (_, i) => ({
    timeMs: T0 + at * 1000 + i * 100 + 50,
    durationMs: 10,
    status: 200,
    ok: true,
    ...make(i),
  }));
}

const refused = { status: 0, ok: false, durationMs: 1 };

// Seconds 5-9: a clean baseline (10 req/s, all 10 ms). Fault at 10 s, cleared at 12.5 s.
// 10: 6 refused. 11: all refused. 12: two 503s. 13: no errors but 40 ms. 14-15: normal.
const samples: RequestSample[] = [
  ...[5, 6, 7, 8, 9].flatMap((s) => second(s)),
  ...second(10, (i) => (i < 6 ? refused : {})),
  ...second(11, () => refused),
  ...second(12, (i) => (i < 2 ? { status: 503, ok: false, durationMs: 1 } : {})),
  ...second(13, () => ({ durationMs: 40 })),
  ...second(14, () => ({ durationMs: 12 })),
  ...second(15),
];

const restart: FaultEvent = {
  id: "app-restart",
  label: "app restarted",
  injectedAtMs: T0 + 10_000,
  clearedAtMs: T0 + 12_500,
  step: "ok",
};
const next: FaultEvent = {
  id: "slow-db",
  label: "slow database",
  injectedAtMs: T0 + 16_000,
  clearedAtMs: T0 + 17_000,
  step: "ok",
};

describe("analyzeFaults", () => {
  const [impact, later] = analyzeFaults(samples, [restart, next], T0 + 20_000, BAND);

  it("counts the error spike in the fault's window only", () => {
    expect(impact?.windowSeconds).toBe(6);
    expect(impact?.requests).toBe(60);
    expect(impact?.errors).toBe(18);
    expect(impact?.errorRate).toBeCloseTo(0.3, 12);
    expect(impact?.errorsByStatus).toEqual({ "0": 16, "503": 2 });
    expect(impact?.peakErrorRate).toBe(1);
    expect(impact?.peakSecond).toBe(1);
    expect(impact?.seconds.map((s) => s.errors)).toEqual([6, 10, 2, 0, 0, 0]);
  });

  it("compares latency with the pre-fault baseline", () => {
    expect(impact?.baseline).toEqual({ requests: 50, successRate: 1, p95Ms: 10 });
    // Active 10.0-12.5 s: 18 requests of 1 ms, 7 of 10 ms; type-7 p95 of 25 values is x[22.8] = 10.
    expect(impact?.p95DuringMs).toBe(10);
    expect(impact?.maxSecondP95Ms).toBe(40);
  });

  it("recovers at the end of the first second back in band after the fault was cleared", () => {
    // Second 2 has errors, second 3 is slow (40 > 2 × 10 + 10), second 4 (12 ms) is back.
    expect(impact?.seconds.map((s) => s.inBand)).toEqual([false, false, false, false, true, true]);
    expect(impact?.recoverySeconds).toBe(5);
  });

  it("has no baseline, so no recovery, when nothing ran before the fault", () => {
    expect(later?.requests).toBe(0);
    const [early] = analyzeFaults(
      samples,
      [{ ...restart, injectedAtMs: T0 + 5_000 }],
      T0 + 8_000,
      BAND,
    );
    expect(early?.baseline).toBeUndefined();
    expect(early?.recoverySeconds).toBeUndefined();
    expect(early?.requests).toBe(30);
  });

  it("does not call a nearly empty second recovered", () => {
    // Second 14 keeps only 4 of its 10 requests: below half the baseline's 10 per second.
    const sparse = samples.filter(
      (s) => !(s.timeMs >= T0 + 14_000 && s.timeMs < T0 + 15_000 && s.timeMs % 1000 > 400),
    );
    const [thin] = analyzeFaults(sparse, [restart], T0 + 16_000, BAND);
    expect(thin?.seconds[4]).toMatchObject({ requests: 4, inBand: false });
    expect(thin?.recoverySeconds).toBe(6);
  });

  it("never recovers when every second after the fault stays out of band", () => {
    const [stuck] = analyzeFaults(samples, [restart], T0 + 14_000, BAND);
    expect(stuck?.recoverySeconds).toBeUndefined();
    expect(stuck?.seconds).toHaveLength(4);
  });

  it("uses the default band when none is given: 40 ms is within 3 × 10 + 25 ms", () => {
    const [loose] = analyzeFaults(samples, [restart], T0 + 16_000);
    expect(loose?.seconds.map((s) => s.inBand)).toEqual([false, false, false, true, true, true]);
    expect(loose?.recoverySeconds).toBe(4);
  });
});
