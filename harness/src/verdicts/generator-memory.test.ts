import { describe, expect, it } from "vitest";
import { normalizeMemory } from "../adapters/memory.ts";
import { judgeGeneratorMemory } from "./generator-memory.ts";

const MB = 1024 * 1024;

/** Generator RSS every 5 s for `seconds`, as `rssAt(t)` MB. */
function generator(seconds: number, rssAt: (t: number) => number) {
  const samples = [];
  for (let t = 0; t <= seconds; t += 5) samples.push({ tMs: t * 1000, rss: rssAt(t) * MB });
  return samples;
}

function suiteFor(samples: ReturnType<typeof generator>) {
  return normalizeMemory({
    id: "memory",
    raw: { intervalMs: 5000, samples: [], generator: samples },
  }).suite;
}

describe("judgeGeneratorMemory", () => {
  it("measures growth from the 30–60 s median to the last 30 s median", () => {
    // 100 MB until 60 s, then 104 MB: +4%.
    const suite = suiteFor(generator(300, (t) => (t < 60 ? (t < 30 ? 60 : 100) : 104)));
    const metric = suite.metrics.find((m) => m.id === "generator_rss_growth");
    expect(metric?.value).toBe(4);
    expect(metric?.tags?.baseline_mb).toBe("100");
    expect(metric?.tags?.end_mb).toBe("104");
    const verdict = judgeGeneratorMemory(suite, 10);
    expect(verdict.status).toBe("pass");
    expect(verdict.message).toContain("generator memory flat: 4% RSS growth");
  });

  it("fails a generator whose memory keeps growing", () => {
    const suite = suiteFor(generator(300, (t) => 100 + t / 10));
    const verdict = judgeGeneratorMemory(suite, 10);
    expect(verdict.status).toBe("fail");
    expect(verdict.actual).toBeGreaterThan(10);
    expect(verdict.message).toMatch(/generator memory grew .*%.* above 10%/);
  });

  it("skips a run too short to measure growth", () => {
    const suite = suiteFor(generator(80, () => 100));
    expect(suite.metrics.some((m) => m.id === "generator_rss")).toBe(true);
    expect(judgeGeneratorMemory(suite, 10).status).toBe("skip");
  });
});
