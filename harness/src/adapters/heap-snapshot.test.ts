import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { diffHeapSnapshots, summarizeHeapSnapshot } from "./heap-snapshot.ts";

const fixtures = path.join(import.meta.dirname, "../../test/fixtures/raw/heap-snapshot");
const load = (file: string): unknown => JSON.parse(readFileSync(path.join(fixtures, file), "utf8"));

describe("summarizeHeapSnapshot on a hand-made snapshot", () => {
  it("sums self size and count per constructor, largest first", () => {
    // before: Order 32+32, Session 24, one string 16, one ArrayBuffer backing store 1000.
    expect(summarizeHeapSnapshot(load("before.heapsnapshot"))).toEqual({
      totalBytes: 1104,
      nodeCount: 6,
      constructors: [
        { name: "system / JSArrayBufferData", selfBytes: 1000, count: 1 },
        { name: "Order", selfBytes: 64, count: 2 },
        { name: "Session", selfBytes: 24, count: 1 },
        { name: "(string)", selfBytes: 16, count: 1 },
        { name: "(system)", selfBytes: 0, count: 1 },
      ],
    });
  });

  it("names what is not a plain object by its type, as DevTools does", () => {
    const names = summarizeHeapSnapshot(load("after.heapsnapshot")).constructors.map((c) => c.name);
    expect(names).toContain("(closure)");
    expect(names).not.toContain("handler");
    expect(names).not.toContain("a longer string!");
  });

  it("rejects JSON that is not a heap snapshot, naming the field", () => {
    expect(() => summarizeHeapSnapshot({ nodes: [] }, "x.heapsnapshot")).toThrow(
      /x\.heapsnapshot: not a V8 heap snapshot \(snapshot\.meta\.node_fields\)/,
    );
    const broken = load("before.heapsnapshot") as { nodes: number[] };
    broken.nodes.push(1);
    expect(() => summarizeHeapSnapshot(broken)).toThrow(/multiple of node_fields/);
  });
});

describe("diffHeapSnapshots", () => {
  it("lists only the constructors that grew, by bytes", () => {
    const a = summarizeHeapSnapshot(load("before.heapsnapshot"));
    const b = summarizeHeapSnapshot(load("after.heapsnapshot"));
    // Session (24 -> 0) shrank and is left out; the new closure counts from zero.
    expect(diffHeapSnapshots(a, b)).toEqual([
      {
        name: "system / JSArrayBufferData",
        deltaBytes: 5000,
        deltaCount: 1,
        bytes: 6000,
        count: 2,
      },
      { name: "(closure)", deltaBytes: 56, deltaCount: 1, bytes: 56, count: 1 },
      { name: "(string)", deltaBytes: 40, deltaCount: 1, bytes: 56, count: 2 },
      { name: "Order", deltaBytes: 32, deltaCount: 1, bytes: 96, count: 3 },
    ]);
    expect(diffHeapSnapshots(a, b, 2).map((g) => g.name)).toEqual([
      "system / JSArrayBufferData",
      "(closure)",
    ]);
  });
});

describe("a real V8 snapshot pair from a child process", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "perfgate-heap-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("finds the retained buffers and the objects piled up between two snapshots", async () => {
    // 40 buffers of 100 kB and 5,000 instances of a named class are kept between the snapshots.
    const program = `
      const v8 = require("node:v8");
      const path = require("node:path");
      class LeakyRecord { constructor(i) { this.i = i; this.tag = "r" + i; } }
      const kept = [];
      v8.writeHeapSnapshot(path.join(${JSON.stringify(dir)}, "a.heapsnapshot"));
      for (let i = 0; i < 40; i++) kept.push(Buffer.alloc(100000, 1));
      for (let i = 0; i < 5000; i++) kept.push(new LeakyRecord(i));
      v8.writeHeapSnapshot(path.join(${JSON.stringify(dir)}, "b.heapsnapshot"));
      globalThis.kept = kept;
    `;
    await promisify(execFile)(process.execPath, ["-e", program], { timeout: 60_000 });
    const read = (file: string) =>
      summarizeHeapSnapshot(JSON.parse(readFileSync(path.join(dir, file), "utf8")), file);
    const a = read("a.heapsnapshot");
    const b = read("b.heapsnapshot");
    expect(b.totalBytes - a.totalBytes).toBeGreaterThan(4_000_000);
    const growth = diffHeapSnapshots(a, b);
    expect(growth[0]?.name).toBe("system / JSArrayBufferData");
    expect(growth[0]?.deltaBytes).toBeGreaterThanOrEqual(4_000_000);
    const records = growth.find((g) => g.name === "LeakyRecord");
    expect(records?.deltaCount).toBe(5000);
  });
});
