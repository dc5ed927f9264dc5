import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawRequest } from "../test/raw-http.ts";
import { startTestApp } from "../test/start.ts";
import type { RunningApp } from "./server.ts";

let app: RunningApp;
beforeAll(async () => {
  app = await startTestApp({
    PERFGATE_APP_FAIL_PARTS: "topCustomers",
    PERFGATE_APP_LEAK_BYTES: "1024",
  });
});
afterAll(() => app?.close());

interface Case {
  method: string;
  path: string;
  body?: string | Uint8Array<ArrayBuffer>;
  type?: string;
  status: number;
  /** The reason must name what was wrong. */
  reason: RegExp;
}

const JSON_TYPE = "application/json";
const product = { sku: "OK-1", name: "n", categoryId: 1, priceCents: 1, stock: 1 };
const CASES: Case[] = [
  {
    method: "GET",
    path: "/api/products?limit=0",
    status: 400,
    reason: /^limit: expected an integer 1-100/,
  },
  { method: "GET", path: "/api/products?limit=abc", status: 400, reason: /^limit:/ },
  { method: "GET", path: "/api/products?limit=1e3", status: 400, reason: /^limit:/ },
  { method: "GET", path: "/api/products?offset=-1", status: 400, reason: /^offset:/ },
  { method: "GET", path: "/api/products?offset=99999999", status: 400, reason: /^offset:/ },
  { method: "GET", path: "/api/products?category=x", status: 400, reason: /^category:/ },
  {
    method: "GET",
    path: "/api/products?sort=name",
    status: 400,
    reason: /^sort: expected id or price/,
  },
  { method: "GET", path: "/api/search", status: 400, reason: /^q:/ },
  { method: "GET", path: `/api/search?q=${"x".repeat(101)}`, status: 400, reason: /^q:/ },
  { method: "GET", path: "/api/products/0", status: 400, reason: /^id:/ },
  { method: "GET", path: "/api/products/12abc", status: 400, reason: /^id:/ },
  { method: "GET", path: "/api/products/99999999999", status: 400, reason: /^id:/ },
  { method: "GET", path: "/api/products/%E0%A4%A", status: 400, reason: /^path: malformed/ },
  { method: "GET", path: "/api/products/4999999", status: 404, reason: /^id: no product 4999999/ },
  { method: "GET", path: "/api/products/3/thumbnail?size=9000", status: 400, reason: /^size:/ },
  { method: "GET", path: "/api/dashboard?parts=nope", status: 400, reason: /^parts: unknown nope/ },
  {
    method: "POST",
    path: "/api/products",
    body: "{",
    type: JSON_TYPE,
    status: 400,
    reason: /^body: not valid JSON/,
  },
  {
    method: "POST",
    path: "/api/products",
    body: "{}",
    type: "text/plain",
    status: 415,
    reason: /^content-type:/,
  },
  {
    method: "POST",
    path: "/api/products",
    body: JSON.stringify({ ...product, priceCents: -5 }),
    type: JSON_TYPE,
    status: 400,
    reason: /body\.priceCents:/,
  },
  {
    method: "POST",
    path: "/api/products",
    body: JSON.stringify({ ...product, sku: "lower case" }),
    type: JSON_TYPE,
    status: 400,
    reason: /body\.sku:/,
  },
  {
    method: "POST",
    path: "/api/products",
    body: JSON.stringify({ ...product, extra: 1 }),
    type: JSON_TYPE,
    status: 400,
    reason: /extra/,
  },
  {
    method: "POST",
    path: "/api/products",
    body: JSON.stringify({ ...product, categoryId: 999 }),
    type: JSON_TYPE,
    status: 409,
    reason: /^categoryId: no category 999/,
  },
  {
    method: "POST",
    path: "/api/products",
    body: JSON.stringify({ ...product, name: "x".repeat(20_000) }),
    type: JSON_TYPE,
    status: 413,
    reason: /^body: larger than/,
  },
  {
    method: "PATCH",
    path: "/api/products/5",
    body: "{}",
    type: JSON_TYPE,
    status: 400,
    reason: /at least one of/,
  },
  {
    method: "PATCH",
    path: "/api/products/4999999",
    body: '{"stock":1}',
    type: JSON_TYPE,
    status: 404,
    reason: /^id: no product/,
  },
  { method: "DELETE", path: "/api/products/5", status: 405, reason: /DELETE not allowed/ },
  {
    method: "POST",
    path: "/api/jobs",
    body: '{"kind":"thumbnails","from":1,"count":0}',
    type: JSON_TYPE,
    status: 400,
    reason: /count/,
  },
  {
    method: "POST",
    path: "/api/jobs",
    body: '{"kind":"other","from":1,"count":2}',
    type: JSON_TYPE,
    status: 400,
    reason: /body\.kind:/,
  },
  {
    method: "POST",
    path: "/api/jobs",
    body: '{"kind":"thumbnails","from":1}',
    type: JSON_TYPE,
    status: 400,
    reason: /either ids, or from and count/,
  },
  { method: "GET", path: "/api/jobs/not-a-job", status: 400, reason: /^id: expected a job id/ },
  {
    method: "GET",
    path: "/api/jobs/00000000-0000-0000-0000-000000000000",
    status: 404,
    reason: /^id: no job/,
  },
  {
    method: "POST",
    path: "/api/purge",
    body: '{"keys":["Bad Key"]}',
    type: JSON_TYPE,
    status: 400,
    reason: /body\.keys\.0:/,
  },
  {
    method: "POST",
    path: "/api/purge",
    body: '{"keys":[]}',
    type: JSON_TYPE,
    status: 400,
    reason: /body\.keys:/,
  },
  {
    method: "POST",
    path: "/api/vitals",
    body: '{"name":"XYZ","value":1}',
    type: JSON_TYPE,
    status: 400,
    reason: /^name:/,
  },
  {
    method: "POST",
    path: "/api/vitals",
    body: "null",
    type: JSON_TYPE,
    status: 400,
    reason: /^body: expected a JSON object/,
  },
  { method: "GET", path: "/api/nothing-here", status: 404, reason: /no route/ },
  // Text Postgres cannot store, or that is not Unicode, is refused naming where it was (#22 P2).
  { method: "GET", path: "/api/search?q=ab%00cd", status: 400, reason: /^q: contains a NUL/ },
  {
    method: "GET",
    path: "/api/search?q=ab&limit=%00",
    status: 400,
    reason: /^limit: contains a NUL/,
  },
  {
    method: "GET",
    path: "/api/search?q=%FF%FEab",
    status: 400,
    reason: /^q: not valid UTF-8/,
  },
  {
    method: "GET",
    path: "/api/products?a%00b=1",
    status: 400,
    reason: /^query: a parameter name contains a NUL/,
  },
  { method: "GET", path: "/api/jobs/%00", status: 400, reason: /^id: contains a NUL/ },
  {
    method: "POST",
    path: "/api/products",
    body: JSON.stringify({ ...product, sku: "NUL-1", name: "a\u0000b" }),
    type: JSON_TYPE,
    status: 400,
    reason: /^body\.name: contains a NUL character \(at 1\)/,
  },
  {
    method: "POST",
    path: "/api/products",
    body: '{"sku":"SUR-1","name":"a\\ud800b","categoryId":1,"priceCents":1,"stock":1}',
    type: JSON_TYPE,
    status: 400,
    reason: /^body\.name: contains a lone UTF-16 surrogate/,
  },
  {
    method: "POST",
    path: "/api/products",
    body: new Uint8Array([...Buffer.from('{"sku":"UTF-1","name":"'), 0xff, ...Buffer.from('"}')]),
    type: JSON_TYPE,
    status: 400,
    reason: /^body: not valid UTF-8/,
  },
  {
    method: "POST",
    path: "/api/products",
    body: JSON.stringify({ ...product, "de\u0000scription": "x" }),
    type: JSON_TYPE,
    status: 400,
    reason: /^body: a key contains a NUL/,
  },
  {
    method: "PATCH",
    path: "/api/products/5",
    body: JSON.stringify({ description: "x\u0000" }),
    type: JSON_TYPE,
    status: 400,
    reason: /^body\.description: contains a NUL/,
  },
  {
    method: "POST",
    path: "/api/purge",
    body: JSON.stringify({ keys: ["product-1", "a\u0000"] }),
    type: JSON_TYPE,
    status: 400,
    reason: /^body\.keys\.1: contains a NUL/,
  },
  // A parts list is bounded (#22 P4): far more names than there are parts is refused.
  {
    method: "GET",
    path: `/api/dashboard?parts=${"lowStock,".repeat(30)}lowStock`,
    status: 400,
    reason: /^parts: 31 names listed \(at most 24\)/,
  },
  {
    method: "GET",
    path: "/api/dashboard?parts=",
    status: 400,
    reason: /^parts: unknown \(empty\)/,
  },
];

describe("bad input gets a 4xx with a reason, never a 5xx", () => {
  it.each(CASES)(
    "$method $path -> $status",
    async ({ method, path, body, type, status, reason }) => {
      const response = await fetch(`${app.url}${path}`, {
        method,
        headers: type ? { "content-type": type } : {},
        body,
      });
      expect(response.status).toBe(status);
      const payload = await response.json();
      expect(payload.error).toMatch(reason);
    },
  );

  it("accepts a literal % in a query value (only escapes of invalid UTF-8 are refused)", async () => {
    expect((await fetch(`${app.url}/api/search?q=50%25%20off`)).status).toBe(200);
    expect((await fetch(`${app.url}/api/search?q=50%`)).status).toBe(200);
  });

  it("still answers after all of it", async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});

describe("request targets no client library sends (#22 P3)", () => {
  it("answers 400 naming the URL to an absolute-form target that is not a URL", async () => {
    for (const target of ["http://", "http://[", "https://:99999/x"]) {
      const response = await rawRequest(app.url, `GET ${target} HTTP/1.1`);
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body).error).toMatch(/^url: not a valid request target/);
    }
  });

  it("serves an absolute-form target that is a URL by its path", async () => {
    const response = await rawRequest(app.url, "GET http://elsewhere.invalid/healthz HTTP/1.1");
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body).status).toBe("ok");
  });

  it("answers malformed HTTP with the same JSON error shape", async () => {
    const response = await rawRequest(app.url, "GET /a b HTTP/1.1");
    expect(response.status).toBe(400);
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(response.body).error).toMatch(/^request: malformed HTTP \(HPE_/);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});

describe("dashboard parts list (#22 P4)", () => {
  it("answers each part once however often it is listed", async () => {
    const once = await fetch(`${app.url}/api/dashboard?parts=lowStock,categories`);
    const repeated = await fetch(
      `${app.url}/api/dashboard?parts=lowStock,lowStock,categories,lowStock&parts=categories`,
    );
    expect(repeated.status).toBe(200);
    const text = await repeated.text();
    expect(Object.keys(JSON.parse(text).parts)).toEqual(["lowStock", "categories"]);
    expect(text).toBe(await once.text());
  });
});

describe("fault and test flags", () => {
  it("reports a failing aggregate part on its own while the others answer", async () => {
    const body = await (await fetch(`${app.url}/api/dashboard?parts=lowStock,topCustomers`)).json();
    expect(body.failed).toBe(1);
    expect(body.parts.lowStock.status).toBe("ok");
    expect(body.parts.topCustomers).toEqual({
      status: "error",
      error: "topCustomers failed (injected fault)",
    });
    expect((await fetch(`${app.url}/api/dashboard?parts=topCustomers`)).status).toBe(503);
  });

  it("retains memory per API request only when the leak flag is set", async () => {
    const before = (await (await fetch(`${app.url}/debug/memory`)).json()).leak.retainedBuffers;
    for (let i = 0; i < 5; i++)
      await (await fetch(`${app.url}/api/products?limit=1`)).arrayBuffer();
    const after = (await (await fetch(`${app.url}/debug/memory`)).json()).leak;
    expect(after.retainedBuffers - before).toBe(5);
    expect(after.retainedBytes).toBe(after.retainedBuffers * 1024);
  });
});
