import path from "node:path";
import { describe, expect, it } from "vitest";
import { findSuiteFiles, readSuiteModule } from "./microbench-suites.ts";

const setup = () => ({ run: () => 1 });

describe("readSuiteModule", () => {
  it("accepts a well-formed suite", () => {
    const suite = readSuiteModule(
      {
        default: {
          id: "lru",
          title: "t",
          groups: [{ id: "g", title: "g", ops: 10, baseline: "a", cases: [{ id: "a", setup }] }],
        },
      },
      "microbench/lru.bench.ts",
    );
    expect(suite.groups[0]?.cases[0]?.id).toBe("a");
  });

  it("reports every problem at once, naming the file and field", () => {
    let message = "";
    try {
      readSuiteModule(
        {
          default: {
            id: "other",
            title: "t",
            groups: [
              {
                id: "Bad Id",
                title: "g",
                ops: 0,
                baseline: "missing",
                subject: "nope",
                estimator: "p99",
                cases: [
                  { id: "a", setup },
                  { id: "a", setup: 1 },
                ],
              },
            ],
          },
        },
        "microbench/lru.bench.ts",
      );
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("microbench/lru.bench.ts: invalid suite definition");
    for (const expected of [
      'id: expected "lru" (the file name)',
      "groups[0].id: expected a kebab-case id",
      "groups[0].ops: expected a positive integer",
      'groups[0].estimator: expected "median" or "mean"',
      "groups[0].cases[1].setup: expected a function",
      'groups[0].cases[1].id: "a" is used twice',
      'groups[0].baseline: "missing" is not one of its cases',
      'groups[0].subject: "nope" is not one of its cases',
    ]) {
      expect(message).toContain(expected);
    }
  });

  it("explains a module without a default export", () => {
    expect(() => readSuiteModule({}, "microbench/x.bench.ts")).toThrow(/no default export/);
  });
});

describe("findSuiteFiles with perfgate.config.ts microbench.include", () => {
  it("matches one * in the file name, across folders, sorted by suite id", async () => {
    const { mkdtemp, mkdir, writeFile, rm } = await import("node:fs/promises");
    const os = await import("node:os");
    const root = await mkdtemp(path.join(os.tmpdir(), "perfgate-suites-"));
    try {
      await mkdir(path.join(root, "bench"));
      await mkdir(path.join(root, "src/parser"), { recursive: true });
      for (const file of [
        "bench/b.bench.ts",
        "bench/notes.md",
        "src/parser/a.bench.ts",
        "src/parser/x.test.ts",
      ])
        await writeFile(path.join(root, file), "");
      const files = await findSuiteFiles(root, [], ["bench/*.bench.ts", "src/parser/*.bench.ts"]);
      expect(files.map((f) => path.relative(root, f))).toEqual([
        "src/parser/a.bench.ts",
        "bench/b.bench.ts",
      ]);
      await expect(findSuiteFiles(root, ["c"], ["bench/*.bench.ts"])).rejects.toThrow(
        /unknown suite "c"/,
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
