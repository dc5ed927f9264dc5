import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
  body?: string;
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
  { method: "GET", path: "/api/nothing-here", status: 404, reason: /no route/ },
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

  it("still answers after all of it", async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
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
