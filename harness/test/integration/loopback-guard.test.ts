import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * Issue 22 (S3): a scenario's own absolute URL outside loopback is refused before any request
 * arrives, in `perfgate load` and in `perfgate k6 run`, and allowed with `--allow-host`. The
 * "outside" host is 10.200.0.1 on the `lo` of a private network namespace (`unshare -n`), so
 * a request that escapes the guard reaches a server the test counts, and nothing else.
 */
const root = path.resolve(import.meta.dirname, "../../..");
const HOST = "10.200.0.1";

const canUnshare = (() => {
  try {
    execFileSync("unshare", ["-n", "true"], { stdio: "ignore" });
    return process.getuid?.() === 0;
  } catch {
    return false;
  }
})();

// Runs inside the namespace: a counting server on HOST, a loopback app for --base-url, then
// each command in turn; prints one JSON line of exit codes, outputs and request counts.
const DRIVER = `
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import { writeFileSync } from "node:fs";
const [perfgate, dir] = process.argv.slice(2);
let outside = 0;
const listen = (server, host) => new Promise((r) => server.listen(0, host, () => r(server.address().port)));
const ext = createServer((req, res) => { outside += 1; res.end("ok"); });
const app = createServer((req, res) => res.end("ok"));
const extPort = await listen(ext, "${HOST}");
const appPort = await listen(app, "127.0.0.1");
writeFileSync(dir + "/perfgate.config.json", JSON.stringify({
  target: { baseUrl: "http://127.0.0.1:" + appPort },
  profiles: { guard: { scenarios: ["outside.js"], vars: { EXT: "http://${HOST}:" + extPort } } },
}));
const run = (args, env = {}) => new Promise((resolve) => {
  const before = outside;
  execFile(process.execPath, [perfgate, ...args], { cwd: dir, timeout: 90000,
    env: { ...process.env, PERFGATE_ENGINE: "builtin", CI: "true", ...env } }, (error, stdout, stderr) =>
    resolve({ code: error ? error.code : 0, out: stdout + stderr, requests: outside - before }));
});
const k6 = ["k6", "run", "--quiet", "-e", "EXT=http://${HOST}:" + extPort, "outside.js"];
const load = ["load", "--profile", "guard", "--reports-dir", "reports"];
const results = {
  loadRefused: await run(load),
  k6Refused: await run(k6),
  loadAllowed: await run([...load, "--allow-host", "${HOST}"]),
  k6Allowed: await run([...k6, "--allow-host", "${HOST}"]),
  // Every place a request is made: VU threads in sync mode, two async engine threads.
  syncRefused: await run(k6, { PERFGATE_ENGINE_MODE: "sync" }),
  threadsRefused: await run([...k6, "--vus", "2", "--iterations", "4"], { PERFGATE_ENGINE_THREADS: "2" }),
  threadsAllowed: await run([...k6, "--vus", "2", "--iterations", "4", "--allow-host", "${HOST}"],
    { PERFGATE_ENGINE_THREADS: "2" }),
};
console.log(JSON.stringify(results));
ext.close(); app.close();
`;

const SCENARIO = `
import http from "k6/http";
export const options = { vus: 1, iterations: 3 };
export default function () { http.get(__ENV.EXT + "/x?i=" + __ITER); }
`;

type Result = { code: number; out: string; requests: number };
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-guard-"));
  await writeFile(path.join(dir, "driver.mjs"), DRIVER);
  await writeFile(path.join(dir, "outside.js"), SCENARIO);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!canUnshare)("loopback guard in a private network namespace", () => {
  it("refuses a scenario's non-loopback URL before any request, in load and k6 run; --allow-host allows it", async () => {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        "unshare",
        [
          "-n",
          "sh",
          "-c",
          `ip link set lo up && ip addr add ${HOST}/32 dev lo && exec "$0" "$@"`,
          process.execPath,
          path.join(dir, "driver.mjs"),
          path.join(root, "harness/bin/perfgate.mjs"),
          dir,
        ],
        { timeout: 300_000, maxBuffer: 16 * 1024 * 1024 },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
      );
    });
    const results = JSON.parse(stdout.trim().split("\n").pop() as string) as Record<string, Result>;
    const { loadRefused, k6Refused, loadAllowed, k6Allowed, syncRefused, threadsRefused } =
      results as Record<string, Result>;
    const refusal = `request to ${HOST} refused`;

    // Refused: not one request reached the server, the error names the host and the flag.
    expect(loadRefused?.requests, loadRefused?.out).toBe(0);
    expect(loadRefused?.code, loadRefused?.out).toBe(2);
    expect(loadRefused?.out).toContain(refusal);
    expect(loadRefused?.out).toContain(`--allow-host ${HOST}`);
    expect(loadRefused?.out).not.toContain("PASS");
    expect(k6Refused?.requests, k6Refused?.out).toBe(0);
    expect(k6Refused?.code, k6Refused?.out).toBe(104);
    expect(k6Refused?.out).toContain(refusal);
    expect(k6Refused?.out).toContain(`--allow-host ${HOST}`);
    for (const other of [syncRefused, threadsRefused]) {
      expect(other?.requests, other?.out).toBe(0);
      expect(other?.code, other?.out).toBe(104);
    }
    expect(threadsRefused?.out).toContain("2 threads");

    // Allowed: every iteration's request arrived.
    expect(loadAllowed?.code, loadAllowed?.out).toBe(0);
    expect(loadAllowed?.requests).toBe(3);
    expect(k6Allowed?.code, k6Allowed?.out).toBe(0);
    expect(k6Allowed?.requests).toBe(3);
    expect(results.threadsAllowed?.code, results.threadsAllowed?.out).toBe(0);
    expect(results.threadsAllowed?.requests).toBe(4);
  });
});
