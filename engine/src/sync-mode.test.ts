import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runEngine } from "./run.ts";
import { detectMode } from "./script.ts";

const FIXTURE = path.join(import.meta.dirname, "../test/fixtures/k6-v0.48.0/script.js");
let server: Server;
let dir: string;
let port = 0;

beforeAll(async () => {
  server = createServer((_req, res) => res.end("ok"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-sync-"));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe("detectMode", () => {
  const header = (binding: string) =>
    `import ${binding} from "file:///x/engine/modules/http.ts";\n`;
  it("compiles blocking-style scripts (any k6/http call not awaited) to async", () => {
    expect(detectMode(`${header("http")}async function f(){ const r = http.get("u"); }`).mode).toBe(
      "compiled",
    );
    expect(detectMode(`${header("http2")}function f(){ return http2.post("u", b); }`).mode).toBe(
      "compiled",
    );
    expect(
      detectMode(
        `import { get as g } from "file:///x/engine/modules/http.ts";\nfunction f(){ g("u"); }`,
      ).mode,
    ).toBe("compiled");
  });
  it("falls back to a thread per VU, saying why, when the AST cannot prove the rewrite", () => {
    const detected = detectMode(
      `${header("http")}const f = () => http.get("u");\nexport default function(){ setTimeout(f, 1); }`,
    );
    expect(detected.mode).toBe("sync");
    expect(detected.fallback).toContain('"f" reaches a blocking k6 call and is used as a value');
    expect(detected.fallback).toContain("bundle line 3:");
  });
  it("picks async when every call is awaited or uses asyncRequest", () => {
    expect(
      detectMode(
        `${header("http")}async function f(){ const r = await http.get("u"); await http.asyncRequest("GET","u"); }`,
      ).mode,
    ).toBe("async");
    expect(detectMode("export default function(){}").mode).toBe("async");
  });
});

describe("sync mode runs real k6 scripts unmodified", () => {
  it("runs k6's own v0.48.0 fixture script (sync http.get in an async default) like k6 did", async () => {
    // Only the target address differs from the captured run (the fixture server was on :18080),
    // and handleSummary's file goes to the temp folder, not the cwd (the repository).
    const script = path.join(dir, "script.js");
    const handledFile = path.join(dir, "handle-summary.json");
    await writeFile(
      script,
      readFileSync(FIXTURE, "utf8")
        .replace("127.0.0.1:18080", `127.0.0.1:${port}`)
        .replace("'handle-summary.json'", JSON.stringify(handledFile)),
    );
    let stdout = "";
    let stderr = "";
    const code = await runEngine({
      script,
      env: {},
      overrides: {},
      summaryExport: path.join(dir, "summary-export.json"),
      signal: new AbortController().signal,
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
    });
    expect({ code, stderr }).toMatchObject({ code: 0 });
    expect(stdout).toContain("sync mode");
    expect(stdout).toContain("handleSummary called; metrics=");
    const exported = JSON.parse(await readFile(path.join(dir, "summary-export.json"), "utf8"));
    const expected = JSON.parse(
      readFileSync(
        path.join(import.meta.dirname, "../test/fixtures/k6-v0.48.0/summary-export.json"),
        "utf8",
      ),
    );
    // Same metric names as the real k6 run (plus perfgate's two open-model metrics), same
    // checks, same counts ±1.
    // k6 registers dropped_iterations only once an iteration is dropped; a loaded machine can
    // drop some where the captured run dropped none (how many depends on foreign load, so only
    // the conservation below is asserted: every scheduled start either ran or was dropped).
    const perfgateOnly = new Set([
      "schedule_lag",
      "iteration_duration_corrected",
      "dropped_iterations",
    ]);
    expect(exported.metrics.iterations.count).toBeGreaterThan(0);
    expect(
      Object.keys(exported.metrics)
        .filter((k) => !perfgateOnly.has(k))
        .sort(),
    ).toEqual(Object.keys(expected.metrics).sort());
    expect(Object.keys(exported.root_group.checks).sort()).toEqual(
      Object.keys(expected.root_group.checks).sort(),
    );
    expect(
      Math.abs(
        exported.metrics.iterations.count +
          (exported.metrics.dropped_iterations?.count ?? 0) -
          expected.metrics.iterations.count,
      ),
    ).toBeLessThanOrEqual(1);
    expect(exported.metrics.checks).toMatchObject({ fails: 0 });
    expect(exported.metrics.http_req_duration.thresholds).toEqual({
      "p(95)<500": false,
      "avg<200": false,
    });
    const handled = JSON.parse(await readFile(handledFile, "utf8"));
    expect(handled.metrics?.iterations?.type).toBe("counter");
  }, 60_000);
});
