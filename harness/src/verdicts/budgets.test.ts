import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectGolden } from "../../test/golden.ts";
import { normalizeBundle } from "../adapters/bundle.ts";
import { judgeBundleBudgets, parseBundleBudgets } from "./budgets.ts";

const raw = JSON.parse(
  readFileSync(
    path.join(import.meta.dirname, "../../test/fixtures/raw/bundle/bundle-stats.json"),
    "utf8",
  ),
);
const budgets = parseBundleBudgets(
  JSON.parse(
    readFileSync(path.join(import.meta.dirname, "../../../lhci/bundle-budgets.json"), "utf8"),
  ),
  "lhci/bundle-budgets.json",
);

describe("bundle adapter and budgets", () => {
  const suite = normalizeBundle(raw, budgets.initialRoute);

  it("matches the golden suite from a real build", () => {
    expectGolden("adapters/bundle-web.json", `${JSON.stringify(suite, null, 2)}\n`);
  });

  it("counts the entry and the initial route's chunk as initial JavaScript, not lazy chunks", () => {
    const kinds = Object.fromEntries(
      suite.metrics
        .filter((m) => m.id.endsWith(".raw") && m.tags)
        .map((m) => [m.tags?.chunk, m.tags?.kind]),
    );
    expect(kinds.index).toBe("entry");
    expect(kinds.catalogue).toBe("initial");
    expect(kinds.dashboard).toBe("lazy");
  });

  it("passes the committed budgets, with every exception's reason shown", () => {
    const verdicts = judgeBundleBudgets(suite, budgets);
    expect(verdicts.filter((v) => v.status === "fail")).toEqual([]);
    expect(verdicts.find((v) => v.metric === "chunk.vendor-chart.js.raw")?.status).toBe("pass");
    expect(verdicts.find((v) => v.metric === "chunk.item.raw")?.rule).toMatch(
      /^exception: route chunk/,
    );
  });

  it("fails a bloated build, naming the budget and the chunk", () => {
    const bloated = structuredClone(raw);
    const chart = bloated.chunks.find((c: { name: string }) => c.name === "vendor-chart.js");
    chart.raw = 400 * 1024;
    const entry = bloated.chunks.find((c: { isEntry: boolean }) => c.isEntry);
    entry.gzip = 200 * 1024;
    const failed = judgeBundleBudgets(
      normalizeBundle(bloated, budgets.initialRoute),
      budgets,
    ).filter((v) => v.status === "fail");
    expect(failed.map((v) => v.metric).sort()).toEqual([
      "chunk.vendor-chart.js.raw",
      "initial_js.gzip",
    ]);
    expect(failed.find((v) => v.metric === "chunk.vendor-chart.js.raw")?.message).toContain(
      "vendor-chart.js is 400.0 KiB, outside 100.0 KiB–250.0 KiB raw",
    );
  });

  it("rejects a budgets file with every problem named", () => {
    expect(() =>
      parseBundleBudgets(
        {
          initialRoute: "",
          lazyChunkMinBytes: 5,
          lazyChunkMaxBytes: 1,
          exceptions: [{ chunk: "x", reason: "short" }],
        },
        "b.json",
      ),
    ).toThrow(
      /b\.json: invalid bundle budgets\n[\s\S]*initialRoute[\s\S]*initialJsGzipMaxBytes[\s\S]*exceptions\[0\]\.reason/,
    );
  });
});
