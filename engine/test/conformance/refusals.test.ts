import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { k6Cli, startLoopback } from "./loopback.ts";

/**
 * Issue 17: what the engine does not do is refused at start, naming the option, module or API
 * and what to use instead; it never runs on with different results and no word.
 */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-refusals-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(name: string, source: string) {
  const file = path.join(dir, `${name}.js`);
  await writeFile(file, source);
  return k6Cli(["run", "--no-color", file], dir);
}

describe("refused at start (issue 17)", () => {
  it("k6 options the engine lacks: exit 104, each named with what to use instead", async () => {
    const r = await run(
      "options",
      `export const options = { rps: 50, blockHostnames: ["*.test"], tlsAuth: [] };
       export default function () {}`,
    );
    expect(r.code).toBe(104);
    expect(r.stderr).toContain(
      "options.rps: is not supported by the built-in engine; use an arrival-rate executor",
    );
    expect(r.stderr).toContain("options.blockHostnames: is not supported by the built-in engine");
    expect(r.stderr).toContain(
      "options.tlsAuth: is not supported by the built-in engine; client certificates",
    );
  });

  it("k6/execution APIs the engine lacks: exit 107 naming them", async () => {
    const r = await run(
      "progress",
      `import exec from "k6/execution";
       export default function () { console.log(exec.scenario.progress); }`,
    );
    expect(r.code).toBe(107);
    expect(r.stderr).toContain("exec.scenario.progress is not provided by the built-in engine");
  });

  it("modules the engine lacks: exit 107 naming the module", async () => {
    const r = await run(
      "ws",
      `import ws from "k6/ws";\nexport default function () { ws.connect(); }`,
    );
    expect(r.code).toBe(107);
    expect(r.stderr).toContain('module "k6/ws" is not supported by the built-in engine');
  });

  it("setupTimeout: k6's error line and exit 100 (captured from k6 v0.48.0 by hand)", async () => {
    const r = await run(
      "setup-timeout",
      `import { sleep } from "k6";
       import http from "k6/http";
       export const options = { setupTimeout: "1s" };
       // A blocking call (sync mode): sleep() then blocks setup() as in k6.
       export function setup() { sleep(2); }
       export default function () { if (__ENV.NEVER) http.get("http://127.0.0.1:1/"); }`,
    );
    expect(r.code).toBe(100);
    expect(r.stderr).toContain(
      'level=error msg="setup() execution timed out after 1 seconds" hint="You can increase the time limit via the setupTimeout option"',
    );
  });

  it("userAgent, test-wide tags, summaryTrendStats and noSetup are applied, not ignored", async () => {
    const agents: string[] = [];
    const server = await startLoopback((req) => {
      agents.push(String(req.headers["user-agent"]));
      return { text: "ok" };
    });
    try {
      const file = path.join(dir, "applied.js");
      await writeFile(
        file,
        `import http from "k6/http";
         export const options = {
           userAgent: "parity-agent/1.0", tags: { team: "perf" }, noSetup: true,
           summaryTrendStats: ["min", "max"], thresholds: { "http_reqs{team:perf}": ["count==1"] },
         };
         export function setup() { http.get("${server.baseUrl}/setup"); }
         export default function () { http.get("${server.baseUrl}/"); }`,
      );
      const r = await k6Cli(["run", "--no-color", file], dir);
      expect(r.code).toBe(0);
      expect(agents).toEqual(["parity-agent/1.0"]);
      expect(r.stdout).toMatch(/http_req_duration\.+: min=\S+ max=\S+\n/);
    } finally {
      await server.close();
    }
  });

  it("exec.test.options is the script's options (no longer an empty object)", async () => {
    const r = await run(
      "test-options",
      `import exec from "k6/execution";
       import { check } from "k6";
       export const options = { iterations: 1, thresholds: { checks: ["rate==1"] } };
       export default function () {
         check(exec.test.options, { "options seen": (o) => o.iterations === 1 && o.thresholds.checks[0] === "rate==1" });
       }`,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("✓ options seen");
  });
});
