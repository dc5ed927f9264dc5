import { parseDuration } from "../duration.ts";
import { routeTable, sampleTagValue } from "../routes.ts";
import { engineState, sampleTags } from "../state.ts";
import { bodyBytes, bodyText, exchange } from "./transport.ts";

type StatusRange = { min: number; max: number };
/**
 * What `http.expectedStatuses()` returns: plain data (so it crosses to the I/O thread in sync
 * mode) that k6 uses to decide `http_req_failed`.
 */
export interface ResponseCallback {
  readonly __perfgateExpected: readonly (number | StatusRange)[];
}

export function expectedStatuses(...codes: (number | StatusRange)[]): ResponseCallback {
  return { __perfgateExpected: codes };
}

function isExpected(callback: ResponseCallback, status: number): boolean {
  return callback.__perfgateExpected.some((code) =>
    typeof code === "number" ? status === code : status >= code.min && status <= code.max,
  );
}

let defaultCallback: ResponseCallback | null = expectedStatuses({ min: 200, max: 399 });

export function setResponseCallback(callback: ResponseCallback | null): void {
  defaultCallback = callback;
}

export interface Params {
  headers?: Record<string, string>;
  tags?: Record<string, string>;
  timeout?: string | number;
  redirects?: number;
  responseType?: "text" | "binary" | "none";
  responseCallback?: ResponseCallback | null;
}

/** `http.url\`/items/${id}\``: the URL plus a `name` tag with placeholders, so metrics stay bounded. */
export interface TaggedUrl {
  url: string;
  name: string;
  toString(): string;
}

export function url(strings: TemplateStringsArray, ...values: unknown[]): TaggedUrl {
  const full = strings.reduce(
    (acc, part, i) => acc + part + (i < values.length ? String(values[i]) : ""),
    "",
  );
  const name = strings.reduce((acc, part, i) => acc + part + (i < values.length ? `\${}` : ""), "");
  return { url: full, name, toString: () => full };
}

/** Minimal gjson-style selector: `a.b.0.c`, and `#` for an array's length. */
function select(value: unknown, selector: string): unknown {
  let node = value;
  for (const part of selector.split(".")) {
    if (node === null || node === undefined) return undefined;
    if (part === "#" && Array.isArray(node)) return node.length;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

export interface Timings {
  duration: number;
  blocked: number;
  connecting: number;
  tls_handshaking: number;
  sending: number;
  waiting: number;
  receiving: number;
}

/** k6's Response: status, body, headers, timings, json(), error and error_code. */
export class Response {
  constructor(
    readonly url: string,
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly body: string | ArrayBuffer | null,
    readonly timings: Timings,
    readonly request: {
      method: string;
      url: string;
      headers: Record<string, string>;
      body: string;
    },
    readonly error = "",
    readonly error_code = 0,
  ) {}

  get proto(): string {
    return "HTTP/1.1";
  }

  json(selector?: string): unknown {
    if (typeof this.body !== "string")
      throw new Error("json(): the response body is not text (responseType)");
    const parsed = JSON.parse(this.body) as unknown;
    return selector ? select(parsed, selector) : parsed;
  }
}

function encodeBody(body: unknown, headers: Record<string, string>): string | Buffer | undefined {
  if (body === null || body === undefined) return undefined;
  if (typeof body === "string") return body;
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (typeof body === "object") {
    // k6 form-encodes plain objects.
    if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) {
      headers["Content-Type"] = "application/x-www-form-urlencoded";
    }
    return new URLSearchParams(body as Record<string, string>).toString();
  }
  return String(body);
}

/** Built-in metrics of every request, in the order `request` adds them. */
const HTTP_METRICS = [
  "http_reqs",
  "http_req_duration",
  "http_req_blocked",
  "http_req_connecting",
  "http_req_tls_handshaking",
  "http_req_sending",
  "http_req_waiting",
  "http_req_receiving",
  "http_req_failed",
  "data_received",
  "data_sent",
] as const;

/** Any request of k6/http. Network errors become a Response with status 0 and `error`, as in k6. */
export async function request(
  method: string,
  target: string | TaggedUrl,
  body?: unknown,
  params: Params = {},
): Promise<Response> {
  const state = engineState();
  const href = typeof target === "string" ? target : target.url;
  const name = params.tags?.name ?? (typeof target === "string" ? href : target.name);
  const headers: Record<string, string> = {
    "User-Agent": state.userAgent,
    ...(params.headers ?? {}),
  };
  const payload = encodeBody(body, headers);
  const timeoutMs =
    params.timeout === undefined ? 60_000 : (parseDuration(params.timeout) ?? 60_000);
  let location = href;
  let redirectsLeft = params.redirects ?? 10;
  const started = performance.now();
  let headersAt = started;
  let status = 0;
  let responseHeaders: Record<string, string> = {};
  let responseBody: string | ArrayBuffer | null = null;
  let received = 0;
  let error = "";
  let errorCode = 0;
  try {
    for (;;) {
      const response = await exchange(location, {
        method: method.toUpperCase(),
        headers,
        body: payload,
        timeoutMs,
        keepBody: params.responseType !== "none",
      });
      headersAt = response.headersAt;
      status = response.status;
      responseHeaders = response.headers;
      const redirectTo = responseHeaders.Location;
      if (status >= 300 && status < 400 && redirectTo && redirectsLeft > 0) {
        redirectsLeft -= 1;
        location = new URL(redirectTo, location).href;
        continue;
      }
      received = response.received;
      if (params.responseType === "binary") responseBody = bodyBytes(response.chunks, received);
      else if (params.responseType !== "none") responseBody = bodyText(response.chunks, received);
      break;
    }
  } catch (cause) {
    const code = (cause as { code?: string }).code ?? "";
    error = (cause as Error).message;
    errorCode = code.includes("TIMEOUT") ? 1050 : code === "ECONNREFUSED" ? 1212 : 1000;
  }
  const finished = performance.now();
  const timings: Timings = {
    duration: finished - started,
    blocked: 0,
    connecting: 0,
    tls_handshaking: 0,
    sending: 0,
    waiting: headersAt - started,
    receiving: finished - headersAt,
  };
  const callback =
    params.responseCallback === undefined ? defaultCallback : params.responseCallback;
  const expected = status !== 0 && (callback === null || isExpected(callback, status));
  const fixed: Record<string, string> = {
    method: method.toUpperCase(),
    url: href,
    name,
    status: String(status),
    proto: "HTTP/1.1",
    expected_response: String(expected),
  };
  if (error) fixed.error_code = String(errorCode);
  const user = params.tags;
  const table = routeTable(state.registry, "http", HTTP_METRICS);
  const route = table.route((key) => sampleTagValue(key, user, fixed));
  // The whole tag set is built only for a streaming output; the sinks are already resolved.
  const tags = table.wantsTags ? sampleTags({ ...(user ?? {}), ...fixed }) : undefined;
  table.add(route, 0, 1, tags);
  table.add(route, 1, timings.duration, tags);
  table.add(route, 2, timings.blocked, tags);
  table.add(route, 3, timings.connecting, tags);
  table.add(route, 4, timings.tls_handshaking, tags);
  table.add(route, 5, timings.sending, tags);
  table.add(route, 6, timings.waiting, tags);
  table.add(route, 7, timings.receiving, tags);
  if (callback !== null || error) table.add(route, 8, expected ? 0 : 1, tags);
  table.add(route, 9, received, tags);
  const sent = typeof payload === "string" ? Buffer.byteLength(payload) : (payload?.length ?? 0);
  table.add(route, 10, sent + href.length + 64, tags);
  const requestBody = typeof payload === "string" ? payload : "";
  return new Response(
    location,
    status,
    responseHeaders,
    responseBody,
    timings,
    { method: method.toUpperCase(), url: href, headers, body: requestBody },
    error,
    errorCode,
  );
}

type BatchItem =
  | string
  | TaggedUrl
  | [string, string | TaggedUrl, unknown?, Params?]
  | { method: string; url: string | TaggedUrl; body?: unknown; params?: Params };

function batchOne(item: BatchItem): Promise<Response> {
  if (
    typeof item === "string" ||
    (typeof item === "object" && "name" in item && "url" in item && !("method" in item))
  ) {
    return request("GET", item as string | TaggedUrl);
  }
  if (Array.isArray(item)) return request(item[0], item[1], item[2], item[3]);
  const spec = item as { method: string; url: string | TaggedUrl; body?: unknown; params?: Params };
  return request(spec.method, spec.url, spec.body, spec.params);
}

/** `http.batch`: requests in parallel; an array gives an array, an object gives an object. */
export async function batch(
  items: BatchItem[] | Record<string, BatchItem>,
): Promise<Response[] | Record<string, Response>> {
  if (Array.isArray(items)) return Promise.all(items.map(batchOne));
  const entries = await Promise.all(
    Object.entries(items).map(async ([key, item]) => [key, await batchOne(item)] as const),
  );
  return Object.fromEntries(entries);
}

/** @alias In async mode every request is already a promise, as k6's asyncRequest returns. */
export const asyncRequest = request;

type RequestFn<R> = (
  method: string,
  target: string | TaggedUrl,
  body?: unknown,
  params?: Params,
) => R;

/** k6's verb shortcuts over a request function (async here, blocking in http-sync.ts). */
export function verbs<R>(send: RequestFn<R>) {
  return {
    get: (u: string | TaggedUrl, params?: Params) => send("GET", u, null, params),
    head: (u: string | TaggedUrl, params?: Params) => send("HEAD", u, null, params),
    post: (u: string | TaggedUrl, body?: unknown, params?: Params) => send("POST", u, body, params),
    put: (u: string | TaggedUrl, body?: unknown, params?: Params) => send("PUT", u, body, params),
    patch: (u: string | TaggedUrl, body?: unknown, params?: Params) =>
      send("PATCH", u, body, params),
    del: (u: string | TaggedUrl, body?: unknown, params?: Params) =>
      send("DELETE", u, body, params),
    options: (u: string | TaggedUrl, body?: unknown, params?: Params) =>
      send("OPTIONS", u, body, params),
  };
}

export const { get, head, post, put, patch, del, options } = verbs(request);

export default {
  request,
  asyncRequest,
  get,
  head,
  post,
  put,
  patch,
  del,
  options,
  batch,
  url,
  expectedStatuses,
  setResponseCallback,
};
