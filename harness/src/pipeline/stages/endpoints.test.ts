import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guardUnit } from "../stage.ts";
import { runEndpointStage } from "./endpoints.ts";

let server: Server;
let baseUrl: string;
let rawDir: string;
beforeAll(async () => {
  rawDir = await mkdtemp(path.join(os.tmpdir(), "perfgate-endpoints-"));
  // Answers 201 only to a POST with the token header and a JSON body; 404 to anything else.
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const ok = req.method === "POST" && req.headers["x-token"] === "t" && body === '{"name":"a"}';
      res.writeHead(ok ? 201 : 404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(rawDir, { recursive: true, force: true });
});

function stage(pass: Parameters<typeof runEndpointStage>[0]["passes"][number]) {
  return runEndpointStage({
    passes: [pass],
    baseUrl,
    startVariant: undefined,
    root: rawDir,
    env: {},
    rawDir,
    autocannonVersion: "9.0.0",
    signal: new AbortController().signal,
    log: () => {},
    unit: (id, work) => guardUnit(id, { kind: "endpoint", tool: "autocannon" }, work),
  });
}

describe("endpoint passes on a real loopback server", () => {
  it("send the configured method, headers and body; 2xx answers are ok", async () => {
    const { suites } = await stage({
      id: "create",
      path: "/items",
      method: "POST",
      headers: { "x-token": "t", "content-type": "application/json" },
      body: '{"name":"a"}',
      connections: 2,
      durationSeconds: 1,
    });
    expect(suites[0]?.status).toBe("ok");
    expect(suites[0]?.metrics.find((m) => m.id === "non_2xx")?.value).toBe(0);
  });

  it("a pass answered 404 is errored, naming the endpoint", async () => {
    const { suites } = await stage({ id: "home", path: "/", connections: 2, durationSeconds: 1 });
    expect(suites[0]?.status).toBe("errored");
    expect(suites[0]?.error).toMatch(
      /^endpoint home \(GET http:\/\/127\.0\.0\.1:\d+\/\): \d+ of \d+ requests \(100 %\)/,
    );
  });

  it("maxErrorShare 1 lets the same pass through", async () => {
    const { suites } = await stage({
      id: "home",
      path: "/",
      connections: 2,
      durationSeconds: 1,
      maxErrorShare: 1,
    });
    expect(suites[0]?.status).toBe("ok");
  });
});
