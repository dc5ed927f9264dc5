import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../../..");
const DEPCRUISE = path.join(ROOT, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");

/** A scratch tree laid out like the repository, holding the imports under test. */
const TREE: Record<string, string> = {
  "tsconfig.json": JSON.stringify({ compilerOptions: { allowImportingTsExtensions: true } }),
  "harness/src/schema/index.ts": "export const SCHEMA = 1;\n",
  "harness/src/runners/app.ts":
    'import { SCHEMA } from "../schema/index.ts";\nexport const app = SCHEMA;\n',
  // A pure layer reaching up into a runner, and doing I/O.
  "harness/src/stats/bad.ts":
    'import { app } from "../runners/app.ts";\nimport { readFileSync } from "node:fs";\nexport const x = [app, readFileSync];\n',
  // History rendering pages (it may only store them).
  "harness/src/render/page.ts": "export const page = 1;\n",
  "harness/src/history/pages.ts":
    'import { page } from "../render/page.ts";\nexport const y = page;\n',
  // The engine importing the harness.
  "engine/src/run.ts":
    'import { SCHEMA } from "../../harness/src/schema/index.ts";\nexport const z = SCHEMA;\n',
  // A scenario importing the harness beyond the shared workloads.
  "scenarios/smoke.ts":
    'import { app } from "../harness/src/runners/app.ts";\nexport default app;\n',
  // A cycle.
  "harness/src/pipeline/a.ts": 'import { b } from "./b.ts";\nexport const a = () => b;\n',
  "harness/src/pipeline/b.ts": 'import { a } from "./a.ts";\nexport const b = () => a;\n',
};

let dir: string;
let violations: { rule: string; from: string; to: string }[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-rules-"));
  for (const [file, text] of Object.entries(TREE)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  const result = await run(
    process.execPath,
    [
      DEPCRUISE,
      "--config",
      path.join(ROOT, ".dependency-cruiser.cjs"),
      "--output-type",
      "json",
      "harness",
      "engine",
      "scenarios",
    ],
    { cwd: dir, maxBuffer: 16 * 1024 * 1024 },
  ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
  const report = JSON.parse(result.stdout) as {
    summary: { violations: { rule: { name: string }; from: string; to: string }[] };
  };
  violations = report.summary.violations.map((v) => ({
    rule: v.rule.name,
    from: v.from,
    to: v.to,
  }));
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const broken = (rule: string) => violations.filter((v) => v.rule === rule).map((v) => v.from);

describe("the import rules of ARCHITECTURE.md catch a wrong import", () => {
  it("a pure layer importing a runner, and doing I/O", () => {
    expect(broken("stats-imports")).toContain("harness/src/stats/bad.ts");
    expect(broken("pure-stages-do-no-io")).toContain("harness/src/stats/bad.ts");
  });

  it("history importing a renderer", () => {
    expect(broken("history-imports")).toEqual(["harness/src/history/pages.ts"]);
  });

  it("the engine importing the harness, and a scenario importing a runner", () => {
    expect(broken("engine-stands-alone")).toEqual(["engine/src/run.ts"]);
    expect(broken("inputs-use-only-workloads")).toEqual(["scenarios/smoke.ts"]);
  });

  it("a cycle (reported once, from its first module)", () => {
    expect(broken("no-circular")).toEqual(["harness/src/pipeline/a.ts"]);
  });

  it("and nothing else: the allowed imports pass", () => {
    const allowed = violations.filter((v) => v.from === "harness/src/runners/app.ts");
    expect(allowed).toEqual([]);
  });
});
