import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScript } from "../run-script.ts";

/**
 * Beyond k6 (issue 22, S3): the engine sends load only to loopback unless `--allow-host`
 * names the host. A redirect to another host is refused like a URL in the script: the run
 * stops with k6's 104 before that hop connects. (The private-namespace test in
 * harness/test/integration/loopback-guard.test.ts shows no request arrives there.)
 */
let server: Server;
let baseUrl: string;
let dir: string;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.url ?? "");
    if (req.url === "/away") res.writeHead(302, { location: "http://10.200.0.1:9/there" });
    res.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-guard-"));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

async function run(source: string, allowHosts: string[] = []) {
  return runScript(dir, "guard", source, { baseUrl, allowHosts });
}

describe("loopback guard", () => {
  it("refuses a redirect off loopback: exit 104, no sample for the refused hop", async () => {
    seen.length = 0;
    const { code, stderr, summary } = await run(`
      import http from "k6/http";
      export const options = { vus: 1, iterations: 1 };
      export default function () { http.get(__ENV.BASE_URL + "/away"); }
    `);
    expect(code).toBe(104);
    expect(stderr).toContain("request to 10.200.0.1 refused");
    expect(stderr).toContain("--allow-host 10.200.0.1");
    expect(seen).toEqual(["/away"]);
    expect(summary.metrics.http_reqs.count).toBe(1);
  });

  it("lets loopback names through without any flag", async () => {
    seen.length = 0;
    const port = new URL(baseUrl).port;
    const { code } = await run(`
      import http from "k6/http";
      export const options = { vus: 1, iterations: 1 };
      export default function () {
        http.get("http://localhost:${port}/a");
        http.get("http://127.0.0.1:${port}/b");
      }
    `);
    expect(code).toBe(0);
    expect(seen).toEqual(["/a", "/b"]);
  });
});
