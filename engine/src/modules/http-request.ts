import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";
import { parseDuration } from "../duration.ts";
import { DEFAULT_HTTP_OPTIONS } from "../http-options.ts";
import { routeTable, sampleTagValue } from "../routes.ts";
import { engineLog, engineState, sampleTags } from "../state.ts";
import { cookieHeader, type JarHandle, jarOf, responseCookies, storeCookies } from "./cookies.ts";
import { basicAuthorization, digestAuthorization, splitCredentials } from "./http-auth.ts";
import { encodeBody } from "./http-body.ts";
import { k6ErrorCode, k6ErrorText } from "./http-errors.ts";
import type { ResponseData, Timings } from "./http-response.ts";
import { bodyBytes, bodyText, connectionOf, exchange, type RawResponse } from "./transport.ts";

type StatusRange = { min: number; max: number };
/**
 * What `http.expectedStatuses()` returns: plain data (so it crosses to the I/O thread in sync
 * mode) that k6 uses to decide `http_req_failed`.
 */
export interface ResponseCallback {
  readonly __perfgateExpected: readonly (number | StatusRange)[];
}

export function isExpected(callback: ResponseCallback, status: number): boolean {
  return callback.__perfgateExpected.some((code) =>
    typeof code === "number" ? status === code : status >= code.min && status <= code.max,
  );
}

export interface Params {
  headers?: Record<string, string>;
  tags?: Record<string, string>;
  timeout?: string | number;
  redirects?: number;
  responseType?: "text" | "binary" | "none";
  responseCallback?: ResponseCallback | null;
  cookies?: Record<string, unknown>;
  jar?: JarHandle | null;
  auth?: string;
  throw?: boolean;
  compression?: string;
}

/** `http.url\`/items/${id}\``: the URL plus a `name` tag with placeholders, so metrics stay bounded. */
export interface TaggedUrl {
  url: string;
  name: string;
  toString(): string;
}

/** Built-in metrics of every request, in the order `recordHop` adds them. */
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

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

interface Hop {
  method: string;
  url: string;
  name: string;
  status: number;
  errorCode: number;
  timings: Timings;
  received: number;
  sent: number;
  /** null: no callback (every status is fine); undefined: the run's default. */
  expected: boolean;
  countFailed: boolean;
  tags: Record<string, string> | undefined;
}

/** One round trip's samples: k6 counts every hop of a redirect chain and each digest round. */
function recordHop(hop: Hop): void {
  const state = engineState();
  const fixed: Record<string, string> = {
    method: hop.method,
    url: hop.url,
    name: hop.name,
    status: String(hop.status),
    proto: connectionOf(hop.url)?.proto ?? "HTTP/1.1",
    expected_response: String(hop.expected),
  };
  if (hop.errorCode) fixed.error_code = String(hop.errorCode);
  const table = routeTable(state.registry, "http", HTTP_METRICS);
  const route = table.route((key) => sampleTagValue(key, hop.tags, fixed));
  // The whole tag set is built only for a streaming output; the sinks are already resolved.
  const tags = table.wantsTags ? sampleTags({ ...(hop.tags ?? {}), ...fixed }) : undefined;
  const t = hop.timings;
  const values = [
    1,
    t.duration,
    t.blocked,
    t.connecting,
    t.tls_handshaking,
    t.sending,
    t.waiting,
    t.receiving,
  ];
  values.forEach((value, index) => {
    table.add(route, index, value, tags);
  });
  if (hop.countFailed) table.add(route, 8, hop.expected ? 0 : 1, tags);
  table.add(route, 9, hop.received, tags);
  table.add(route, 10, hop.sent, tags);
}

/** Decodes a body by its Content-Encoding, last coding first (k6's readResponseBody). */
function decode(raw: RawResponse): Buffer[] {
  const codings = (raw.headers["Content-Encoding"] ?? "")
    .split(",")
    .map((c) => c.trim().toLowerCase())
    .filter((c) => ["gzip", "deflate", "br", "zstd"].includes(c));
  if (codings.length === 0 || raw.received === 0) return raw.chunks;
  let body = Buffer.concat(raw.chunks, raw.received);
  for (const coding of codings.reverse()) {
    try {
      if (coding === "gzip") body = gunzipSync(body);
      else if (coding === "deflate") body = inflateSync(body);
      else if (coding === "br") body = brotliDecompressSync(body);
      else throw new Error("zstd is not supported by the built-in engine");
    } catch (cause) {
      throw Object.assign(
        new Error(`error decompressing ${coding} body: ${(cause as Error).message}`),
        {
          code: "DECOMPRESSION",
        },
      );
    }
  }
  return [body];
}

function redirectMethod(status: number, method: string): string {
  return [301, 302, 303].includes(status) && method !== "GET" && method !== "HEAD" ? "GET" : method;
}

const NO_OCSP = {
  status: "unknown",
  produced_at: 0,
  this_update: 0,
  next_update: 0,
  revocation_reason: "",
  revoked_at: 0,
};

/**
 * Any request of k6/http, as k6's MakeRequest: cookies from the jar, URL and digest auth,
 * redirects (every hop a request), decoded bodies. A network error gives status 0 and `error`
 * with k6's "Request Failed" warning, or throws with `throw`.
 */
export async function requestData(
  methodIn: string,
  target: string | TaggedUrl,
  body?: unknown,
  params: Params = {},
  defaultCallback: ResponseCallback | null = null,
): Promise<ResponseData> {
  const state = engineState();
  const options = state.http ?? DEFAULT_HTTP_OPTIONS;
  const method = methodIn.toUpperCase();
  if (params.auth !== undefined && !["basic", "digest"].includes(params.auth))
    throw new Error(
      `auth: "${params.auth}" is not supported by the built-in engine (basic and digest are); run with real k6`,
    );
  const credentials = splitCredentials(typeof target === "string" ? target : target.url);
  const nameTag = params.tags?.name ?? (typeof target === "string" ? undefined : target.name);
  const headers: Record<string, string> = {
    "User-Agent": options.userAgent ?? state.userAgent,
    ...(params.headers ?? {}),
  };
  const hasHeader = (name: string) => Object.keys(headers).some((h) => h.toLowerCase() === name);
  if (credentials.user !== undefined && params.auth !== "digest" && !hasHeader("authorization"))
    headers.Authorization = basicAuthorization(credentials.user, credentials.password);
  let payload = encodeBody(body, headers);
  const requestBody = typeof payload === "string" ? payload : (payload?.toString("latin1") ?? "");
  const timeoutMs =
    params.timeout === undefined ? 60_000 : (parseDuration(params.timeout) ?? 60_000);
  const jar =
    params.jar === undefined || params.jar === null ? jarOf(undefined) : jarOf(params.jar);
  const responseType = params.responseType ?? (options.discardResponseBodies ? "none" : "text");
  const limit = params.redirects ?? options.maxRedirects;
  const callback =
    params.responseCallback === undefined ? defaultCallback : params.responseCallback;
  const userCookie = Object.entries(headers).find(([h]) => h.toLowerCase() === "cookie")?.[1];
  let url = credentials.url;
  let hopMethod = method;
  let requests = 0;
  let digestTried = params.auth !== "digest";
  let raw: RawResponse | undefined;
  let chunks: Buffer[] = [];
  let timings: Timings = {
    duration: 0,
    blocked: 0,
    connecting: 0,
    tls_handshaking: 0,
    sending: 0,
    waiting: 0,
    receiving: 0,
  };
  let error = "";
  let errorCode = 0;
  for (;;) {
    const jarCookies = cookieHeader(jar, url, params.cookies);
    const cookie = [userCookie, jarCookies].filter(Boolean).join("; ");
    for (const h of Object.keys(headers)) if (h.toLowerCase() === "cookie") delete headers[h];
    if (cookie) headers.Cookie = cookie;
    const started = performance.now();
    requests += 1;
    try {
      raw = await exchange(url, {
        method: hopMethod,
        headers,
        body: payload,
        timeoutMs,
        keepBody: responseType !== "none",
      });
    } catch (cause) {
      raw = undefined;
      error = (cause as Error).message;
      errorCode = k6ErrorCode(cause);
      const finished = performance.now();
      timings = {
        ...timings,
        duration: finished - started,
        waiting: finished - started,
        receiving: 0,
      };
      recordHop({
        method: hopMethod,
        url,
        name: nameTag ?? url,
        status: 0,
        errorCode,
        timings,
        received: 0,
        sent: 0,
        expected: false,
        countFailed: true,
        tags: params.tags,
      });
      if (params.throw ?? options.throw) throw new Error(k6ErrorText(hopMethod, url, cause));
      engineLog("warning", "Request Failed", { error: k6ErrorText(hopMethod, url, cause) });
      break;
    }
    const finished = performance.now();
    timings = {
      duration: finished - started,
      blocked: 0,
      connecting: 0,
      tls_handshaking: 0,
      sending: 0,
      waiting: raw.headersAt - started,
      receiving: finished - raw.headersAt,
    };
    // k6's digest transport: the first answer is expected to be the 401 challenge.
    const digestRound = !digestTried && raw.status === 401;
    const expected = digestRound ? true : callback === null || isExpected(callback, raw.status);
    const sent =
      (typeof payload === "string" ? Buffer.byteLength(payload) : (payload?.length ?? 0)) +
      url.length +
      64;
    recordHop({
      method: hopMethod,
      url,
      name: nameTag ?? url,
      status: raw.status,
      errorCode: 0,
      timings,
      received: raw.received,
      sent,
      expected,
      countFailed: callback !== null || digestRound,
      tags: params.tags,
    });
    storeCookies(jar, url, raw.setCookies);
    if (digestRound) {
      digestTried = true;
      const path = new URL(url);
      const answer = digestAuthorization(
        raw.headers["Www-Authenticate"],
        hopMethod,
        `${path.pathname}${path.search}`,
        credentials.user ?? "",
        credentials.password,
      );
      if (answer) {
        headers.Authorization = answer;
        continue;
      }
    }
    digestTried = true;
    const location = raw.headers.Location;
    if (!REDIRECTS.has(raw.status) || location === undefined) break;
    if (requests > limit) {
      if (params.redirects === undefined && !options.maxRedirectsSet)
        engineLog(
          "warning",
          `Stopped after ${requests} redirects and returned the redirection; pass { redirects: n } in request params or set global maxRedirects to silence this`,
          { url: credentials.url },
        );
      break;
    }
    const next = new URL(location, url);
    if (next.host !== new URL(url).host) delete headers.Authorization;
    const nextMethod = redirectMethod(raw.status, hopMethod);
    if (nextMethod !== hopMethod || raw.status === 303) {
      payload = undefined;
      for (const h of Object.keys(headers))
        if (h.toLowerCase() === "content-type") delete headers[h];
    }
    hopMethod = nextMethod;
    url = next.href;
  }
  let responseBody: string | ArrayBuffer | null = null;
  if (raw && responseType !== "none") {
    try {
      chunks = decode(raw);
      const length = chunks.reduce((sum, c) => sum + c.length, 0);
      responseBody =
        responseType === "binary" ? bodyBytes(chunks, length) : bodyText(chunks, length);
    } catch (cause) {
      error = (cause as Error).message;
      errorCode = k6ErrorCode(cause);
      if (params.throw ?? options.throw) throw cause;
      engineLog("warning", "Request Failed", { error: k6ErrorText(hopMethod, url, cause) });
    }
  }
  const connection = raw ? connectionOf(url) : undefined;
  return {
    url,
    status: raw?.status ?? 0,
    status_text: raw?.statusText ?? "",
    proto: raw ? (connection?.proto ?? "HTTP/1.1") : "",
    headers: raw?.headers ?? {},
    cookies: responseCookies(raw?.setCookies ?? []),
    body: responseBody,
    timings,
    remote_ip: connection?.remoteIp ?? "",
    remote_port: connection?.remotePort ?? 0,
    tls_version: connection?.tlsVersion ?? "",
    tls_cipher_suite: connection?.tlsCipherSuite ?? "",
    ocsp: NO_OCSP,
    request: { method: hopMethod, url, headers, body: requestBody, cookies: {} },
    error,
    error_code: errorCode,
  };
}
