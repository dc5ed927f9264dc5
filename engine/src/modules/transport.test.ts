import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Registry } from "../metrics.ts";
import { newGroup, setEngineState } from "../state.ts";
import { request } from "./http.ts";

// k6/http over the low-level undici handler, against a real loopback server: what the Response
// carries must not depend on how the bytes were read.
let server: Server;
let base = "";
const registry = new Registry();

beforeAll(async () => {
  setEngineState({
    registry,
    env: {},
    scriptDir: ".",
    rootGroup: newGroup("", ""),
    startedAt: Date.now(),
    abort: () => {},
    userAgent: "k6-test",
  });
  server = createServer((req, res) => {
    if (req.url === "/redirect") {
      res.writeHead(302, { location: "/text" });
      res.end("moved");
    } else if (req.url === "/text") {
      res.setHeader("x-repeat", ["a", "b"]);
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`\ufeffhéllo ${req.headers["user-agent"]}`);
    } else if (req.url === "/bytes") {
      res.end(Buffer.from([0, 1, 2, 255]));
    } else if (req.url === "/echo") {
      let body = "";
      req.on("data", (chunk) => {
        body += chunk;
      });
      req.on("end", () => res.end(`${req.method} ${body} ${req.headers["content-type"]}`));
    } else if (req.url === "/slow") {
      setTimeout(() => res.end("late"), 2_000);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("k6/http request over undici dispatch", () => {
  it("follows redirects, decodes text as undici did (BOM skipped) and joins repeated headers", async () => {
    const res = await request("GET", `${base}/redirect`);
    expect(res.status).toBe(200);
    expect(res.url).toBe(`${base}/text`);
    expect(res.body).toBe("héllo k6-test");
    expect(res.headers["Content-Type"]).toBe("text/plain");
    expect(res.headers["X-Repeat"]).toBe("a, b");
    expect(res.timings.duration).toBeGreaterThanOrEqual(res.timings.waiting);
  });

  it("stops at the redirect limit with the 3xx response", async () => {
    const res = await request("GET", `${base}/redirect`, null, { redirects: 0 });
    expect(res.status).toBe(302);
    expect(res.body).toBe("moved");
    expect(res.headers.Location).toBe("/text");
  });

  it("gives binary bodies as ArrayBuffer and none as null, counting the bytes either way", async () => {
    const binary = await request("GET", `${base}/bytes`, null, { responseType: "binary" });
    expect([...new Uint8Array(binary.body as ArrayBuffer)]).toEqual([0, 1, 2, 255]);
    const received = registry.metrics.get("data_received")?.sink.sum ?? 0;
    const none = await request("GET", `${base}/bytes`, null, { responseType: "none" });
    expect(none.body).toBeNull();
    expect(none.status).toBe(200);
    expect((registry.metrics.get("data_received")?.sink.sum ?? 0) - received).toBe(4);
  });

  it("form-encodes object bodies and sends string bodies as they are", async () => {
    const form = await request("POST", `${base}/echo`, { a: "1", b: "x y" });
    expect(form.body).toBe("POST a=1&b=x+y application/x-www-form-urlencoded");
    const text = await request("PUT", `${base}/echo`, "raw", {
      headers: { "Content-Type": "text/plain" },
    });
    expect(text.body).toBe("PUT raw text/plain");
  });

  it("turns a timeout and a refused connection into k6 error codes, status 0", async () => {
    const slow = await request("GET", `${base}/slow`, null, { timeout: "200ms" });
    expect(slow.status).toBe(0);
    expect(slow.error_code).toBe(1050);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await request("GET", `http://127.0.0.1:${port}/`);
    expect(refused.status).toBe(0);
    expect(refused.error_code).toBe(1212);
    expect(refused.error).not.toBe("");
  });
});
