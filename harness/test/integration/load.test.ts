import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import os from "node:os";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.ts";
import { parseRunResult } from "../../src/schema/index.ts";
import { captureIo } from "../capture-io.ts";

const root = path.resolve(import.meta.dirname, "../../..");
let reports: string;
let scratch: string;

const builtinIo = (env: NodeJS.ProcessEnv = {}) =>
  captureIo(root, { ...process.env, PERFGATE_ENGINE: "builtin", CI: "true", ...env });

beforeAll(async () => {
  reports = await mkdtemp(path.join(os.tmpdir(), "perfgate-load-reports-"));
  scratch = await mkdtemp(path.join(os.tmpdir(), "perfgate-load-scenarios-"));
});
afterAll(async () => {
  await rm(reports, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
});

describe("perfgate load against the real app on loopback", () => {
  it("runs the smoke scenario and an autocannon pass and commits a valid run record", async () => {
    const io = builtinIo();
    const code = await runCli(
      ["load", "--reports-dir", reports, "--var", "SMOKE_DURATION=3s", "--endpoint-seconds", "1"],
      io,
    );
    expect(io.stderr()).toContain("app up at http://127.0.0.1:");
    expect(code).toBe(0);
    const [runId] = await readdir(path.join(reports, "runs"));
    expect(runId).toMatch(/^\d{8}T\d{6}Z_[0-9a-f]{7}-[0-9a-f]{8}$/);
    const dir = path.join(reports, "runs", runId as string);
    const json = JSON.parse(await readFile(path.join(dir, "run.json"), "utf8"));

    // Valid against the committed JSON Schema, not only against zod.
    const schema = JSON.parse(
      await readFile(path.join(root, "harness/src/schema/run-result.schema.json"), "utf8"),
    );
    const ajv = new Ajv2020.default({ allErrors: true, strict: false });
    addFormats.default(ajv);
    expect(ajv.validate(schema, json), JSON.stringify(ajv.errors)).toBe(true);

    const run = parseRunResult(json, "run.json");
    expect(run.status).toBe("complete");
    expect(run.git.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(run.env.cores).toBeGreaterThan(0);
    expect(run.env.node).toBe(process.versions.node);
    const smoke = run.suites.find((suite) => suite.id === "smoke");
    // The cached pass: an uncached 1 s pass may finish no request at all on a loaded machine.
    const endpoint = run.suites.find((suite) => suite.id === "products-list");
    expect(smoke?.status).toBe("ok");
    expect(endpoint?.kind).toBe("endpoint");
    expect(endpoint?.status).toBe("ok");
    const k6Latency = smoke?.metrics.find((m) => m.id === "http_req_duration")?.summary;
    const acLatency = endpoint?.metrics.find((m) => m.id === "latency")?.summary;
    // Real measured latencies: positive, ordered, and from many requests.
    for (const summary of [k6Latency, acLatency]) {
      expect(summary?.median).toBeGreaterThan(0);
      expect(summary?.p95).toBeGreaterThanOrEqual(summary?.median ?? 0);
      expect(summary?.max).toBeGreaterThanOrEqual(summary?.p95 ?? 0);
    }
    expect(smoke?.metrics.find((m) => m.id === "http_reqs")?.value).toBeGreaterThan(10);
    expect(run.verdicts.filter((v) => v.source === "k6-threshold").length).toBeGreaterThanOrEqual(
      3,
    );
    expect(await readFile(path.join(dir, "report.md"), "utf8")).toContain(run.runId);
    expect(io.stdout()).toContain("smoke");
    // The whole quick profile (web build, four endpoint passes on their own apps, Lighthouse):
    // 75 s on a quiet 2-core machine, over 120 s when other work shares it.
  }, 300_000);

  it("a scenario whose thresholds fail exits 1 and still commits the run", async () => {
    const script = path.join(scratch, "strict.ts");
    await writeFile(
      script,
      `import http from "k6/http";
export const options = { vus: 1, iterations: 5, thresholds: { http_req_duration: ["max<0"] } };
export default async function () { await http.asyncRequest("GET", __ENV.BASE_URL + "/healthz"); }
`,
    );
    const io = builtinIo();
    const before = (await readdir(path.join(reports, "runs"))).length;
    const code = await runCli(
      ["load", "--reports-dir", reports, "--scenario", script, "--skip", "endpoints,lighthouse"],
      io,
    );
    expect(code).toBe(1);
    expect((await readdir(path.join(reports, "runs"))).length).toBe(before + 1);
    expect(io.stdout()).toMatch(/max<0/);
  }, 120_000);
});

describe("perfgate load refuses bad input with one clear error and writes nothing", () => {
  async function expectCleanFailure(argv: string[], pattern: RegExp, exitCode: number) {
    const dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-bad-"));
    try {
      const io = builtinIo();
      const code = await runCli(["load", "--reports-dir", dir, ...argv], io);
      expect(code).toBe(exitCode);
      const errorLines = io
        .stderr()
        .split("\n")
        .filter((line) => line.startsWith("error["));
      expect(errorLines).toHaveLength(1);
      expect(io.stderr()).toMatch(pattern);
      expect(io.stderr()).toContain("hint:");
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  it("a stage that cannot be skipped, or a bad pass length", async () => {
    await expectCleanFailure(
      ["--skip", "app"],
      /--skip "app" is not one of bundle, k6, memory, faults, endpoints, lighthouse/,
      2,
    );
    await expectCleanFailure(
      ["--endpoint-seconds", "0"],
      /--endpoint-seconds "0" is not an integer 1-3600/,
      2,
    );
  });

  it("a scenario file that does not exist", async () => {
    await expectCleanFailure(
      ["--scenario", "scenarios/nope.ts"],
      /scenarios\/nope\.ts: scenario file does not exist/,
      2,
    );
  });

  it("a scenario with a syntax error", async () => {
    const script = path.join(scratch, "broken.ts");
    await writeFile(script, "export default function () { const = 1; }\n");
    await expectCleanFailure(
      ["--scenario", script],
      /broken\.ts: cannot bundle the script\n.*broken\.ts:1:/,
      2,
    );
  });

  it("a port already taken", async () => {
    // Holds the port; it hangs up on whoever connects (perfgate's readiness probes), so closing
    // it does not wait on their sockets.
    const blocker: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as { port: number };
    try {
      await expectCleanFailure(
        ["--port", String(port), "--skip", "bundle"],
        /EADDRINUSE|already in use/,
        3,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 60_000);

  it("an unknown profile or flag", async () => {
    await expectCleanFailure(["--profile", "huge"], /--profile "huge" is not a profile/, 2);
    await expectCleanFailure(["--bogus"], /Unknown option '--bogus'/, 2);
  });

  it("a non-loopback target", async () => {
    await expectCleanFailure(["--base-url", "http://192.0.2.10:8080"], /not loopback/, 2);
  });
});
