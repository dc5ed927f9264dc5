import { parseDuration } from "../duration.ts";
import { DEFAULT_HTTP_OPTIONS, type HttpOptions } from "../http-options.ts";
import { engineLog, engineState } from "../state.ts";
import { cookieHeader, type JarHandle, jarOf, responseCookies, storeCookies } from "./cookies.ts";
import { HostRefusedError } from "./host-guard.ts";
import { basicAuthorization, digestAuthorization, splitCredentials } from "./http-auth.ts";
import { compressBody, encodeBody } from "./http-body.ts";
import { k6ErrorCode, k6ErrorText } from "./http-errors.ts";
import { decodeBody, type Hop, recordHop } from "./http-hop.ts";
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

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

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

const noTimings = (): Timings => ({
  duration: 0,
  blocked: 0,
  connecting: 0,
  tls_handshaking: 0,
  sending: 0,
  waiting: 0,
  receiving: 0,
});

/** `res.request.cookies`: what the last hop's Cookie header sent, by name (k6's shape). */
function sentCookies(
  header: string | undefined,
): Record<string, { name: string; value: string; replace: boolean }[]> {
  const out: Record<string, { name: string; value: string; replace: boolean }[]> = {};
  for (const pair of (header ?? "").split("; ")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    const name = pair.slice(0, eq);
    out[name] = [...(out[name] ?? []), { name, value: pair.slice(eq + 1), replace: false }];
  }
  return out;
}

/** One k6/http request from start to Response data: k6's MakeRequest and its transports. */
class RequestRun {
  readonly options: HttpOptions;
  readonly method: string;
  readonly user: string | undefined;
  readonly password: string;
  readonly originalUrl: string;
  readonly name: string | undefined;
  readonly headers: Record<string, string>;
  readonly requestBody: string;
  readonly timeoutMs: number;
  readonly jar: ReturnType<typeof jarOf>;
  readonly responseType: "text" | "binary" | "none";
  readonly callback: ResponseCallback | null;
  readonly userCookie: string | undefined;
  payload: string | Buffer | undefined;
  url: string;
  hopMethod: string;
  requests = 0;
  digestPending: boolean;
  raw: RawResponse | undefined;
  timings = noTimings();
  error = "";
  errorCode = 0;

  constructor(
    method: string,
    target: string | TaggedUrl,
    body: unknown,
    readonly params: Params,
    defaultCallback: ResponseCallback | null,
  ) {
    const state = engineState();
    this.options = state.http ?? DEFAULT_HTTP_OPTIONS;
    this.method = method.toUpperCase();
    if (params.auth !== undefined && !["basic", "digest"].includes(params.auth))
      throw new Error(
        `auth: "${params.auth}" is not supported by the built-in engine (basic and digest are); run with real k6`,
      );
    const credentials = splitCredentials(typeof target === "string" ? target : target.url);
    this.user = credentials.user;
    this.password = credentials.password;
    this.originalUrl = credentials.url;
    this.url = credentials.url;
    this.hopMethod = this.method;
    this.name = params.tags?.name ?? (typeof target === "string" ? undefined : target.name);
    this.headers = { "User-Agent": this.options.userAgent ?? state.userAgent, ...params.headers };
    const hasAuth = Object.keys(this.headers).some((h) => h.toLowerCase() === "authorization");
    if (this.user !== undefined && params.auth !== "digest" && !hasAuth)
      this.headers.Authorization = basicAuthorization(this.user, this.password);
    const encoded = encodeBody(body, this.headers);
    // res.request.body is the body before compression, as in k6.
    this.requestBody = typeof encoded === "string" ? encoded : (encoded?.toString("latin1") ?? "");
    this.payload = compressBody(encoded, params.compression, this.headers);
    this.timeoutMs =
      params.timeout === undefined ? 60_000 : (parseDuration(params.timeout) ?? 60_000);
    this.jar = jarOf(params.jar ?? undefined);
    this.responseType =
      params.responseType ?? (this.options.discardResponseBodies ? "none" : "text");
    this.callback =
      params.responseCallback === undefined ? defaultCallback : params.responseCallback;
    this.userCookie = this.takeHeader("cookie");
    this.digestPending = params.auth === "digest";
  }

  private takeHeader(lower: string): string | undefined {
    let value: string | undefined;
    for (const h of Object.keys(this.headers)) {
      if (h.toLowerCase() !== lower) continue;
      value = this.headers[h];
      delete this.headers[h];
    }
    return value;
  }

  private hop(status: number, expected: boolean, countFailed: boolean, sent: number): Hop {
    return {
      method: this.hopMethod,
      url: this.url,
      name: this.name ?? this.url,
      status,
      errorCode: this.errorCode,
      timings: this.timings,
      received: this.raw?.received ?? 0,
      sent,
      expected,
      countFailed,
      tags: this.params.tags,
    };
  }

  /** One round trip; false when it failed (status 0, logged or thrown as k6 does). */
  async send(): Promise<boolean> {
    const cookie = [this.userCookie, cookieHeader(this.jar, this.url, this.params.cookies)]
      .filter(Boolean)
      .join("; ");
    if (cookie) this.headers.Cookie = cookie;
    else delete this.headers.Cookie;
    const started = performance.now();
    this.requests += 1;
    try {
      this.raw = await exchange(this.url, {
        method: this.hopMethod,
        headers: this.headers,
        body: this.payload,
        timeoutMs: this.timeoutMs,
        keepBody: this.responseType !== "none",
      });
    } catch (cause) {
      // A host outside loopback the run does not allow stops the whole test: no sample, no
      // connection, k6's exit 104 (the run lacked an option), the error naming host and flag.
      if (cause instanceof HostRefusedError) {
        engineState().abort(cause.message, cause.exitCode);
        throw cause;
      }
      this.raw = undefined;
      this.fail(cause);
      const spent = performance.now() - started;
      this.timings = { ...noTimings(), duration: spent, waiting: spent };
      recordHop(this.hop(0, false, true, 0));
      this.report(cause);
      return false;
    }
    const finished = performance.now();
    const headersAt = this.raw.headersAt;
    this.timings = {
      ...noTimings(),
      duration: finished - started,
      waiting: headersAt - started,
      receiving: finished - headersAt,
    };
    // k6's digest transport: the first answer is expected to be the 401 challenge.
    const digestRound = this.digestPending && this.raw.status === 401;
    const callback = this.callback;
    const expected = digestRound || callback === null || isExpected(callback, this.raw.status);
    const payloadBytes =
      typeof this.payload === "string"
        ? Buffer.byteLength(this.payload)
        : (this.payload?.length ?? 0);
    const sent = payloadBytes + this.url.length + 64;
    recordHop(this.hop(this.raw.status, expected, callback !== null || digestRound, sent));
    storeCookies(this.jar, this.url, this.raw.setCookies);
    return true;
  }

  private fail(cause: unknown): void {
    this.error = (cause as Error).message;
    this.errorCode = k6ErrorCode(cause);
  }

  /** k6 throws with `throw`, else logs "Request Failed" and answers status 0. */
  private report(cause: unknown): void {
    const text = k6ErrorText(this.hopMethod, this.url, cause);
    if (this.params.throw ?? this.options.throw) throw new Error(text);
    engineLog("warning", "Request Failed", { error: text });
  }

  /** After a 401 to `auth: "digest"`: the answer to its challenge, to send again. */
  digestRetry(): boolean {
    const raw = this.raw;
    if (!this.digestPending || !raw) return false;
    this.digestPending = false;
    if (raw.status !== 401) return false;
    const { pathname, search } = new URL(this.url);
    const answer = digestAuthorization(
      raw.headers["Www-Authenticate"],
      this.hopMethod,
      `${pathname}${search}`,
      this.user ?? "",
      this.password,
    );
    if (answer) this.headers.Authorization = answer;
    return answer !== undefined;
  }

  /** Go's CheckRedirect: the next hop, or false to return this response (past the limit). */
  redirect(): boolean {
    const raw = this.raw;
    const location = raw?.headers.Location;
    if (!raw || !REDIRECTS.has(raw.status) || location === undefined) return false;
    if (this.requests > (this.params.redirects ?? this.options.maxRedirects)) {
      if (this.params.redirects === undefined && !this.options.maxRedirectsSet)
        engineLog(
          "warning",
          `Stopped after ${this.requests} redirects and returned the redirection; pass { redirects: n } in request params or set global maxRedirects to silence this`,
          { url: this.originalUrl },
        );
      return false;
    }
    const next = new URL(location, this.url);
    if (next.host !== new URL(this.url).host) this.takeHeader("authorization");
    const method = redirectMethod(raw.status, this.hopMethod);
    if (method !== this.hopMethod || raw.status === 303) {
      this.payload = undefined;
      this.takeHeader("content-type");
    }
    this.hopMethod = method;
    this.url = next.href;
    return true;
  }

  /** The body as the script asked for it (decoded); a decoding error is a request error. */
  private body(): string | ArrayBuffer | null {
    if (!this.raw || this.responseType === "none") return null;
    try {
      const chunks = decodeBody(this.raw);
      const length = chunks.reduce((sum, c) => sum + c.length, 0);
      return this.responseType === "binary" ? bodyBytes(chunks, length) : bodyText(chunks, length);
    } catch (cause) {
      this.fail(cause);
      this.report(cause);
      return null;
    }
  }

  result(): ResponseData {
    const raw = this.raw;
    const body = this.body();
    const connection = raw ? connectionOf(this.url) : undefined;
    return {
      url: this.url,
      status: raw?.status ?? 0,
      status_text: raw?.statusText ?? "",
      proto: raw ? (connection?.proto ?? "HTTP/1.1") : "",
      headers: raw?.headers ?? {},
      cookies: responseCookies(raw?.setCookies ?? []),
      body,
      timings: this.timings,
      remote_ip: connection?.remoteIp ?? "",
      remote_port: connection?.remotePort ?? 0,
      tls_version: connection?.tlsVersion ?? "",
      tls_cipher_suite: connection?.tlsCipherSuite ?? "",
      ocsp: NO_OCSP,
      request: {
        method: this.hopMethod,
        url: this.url,
        headers: this.headers,
        body: this.requestBody,
        cookies: sentCookies(this.headers.Cookie),
      },
      error: this.error,
      error_code: this.errorCode,
    };
  }
}

/**
 * Any request of k6/http, as k6's MakeRequest: cookies from the jar, URL and digest auth,
 * redirects (every hop a request), decoded bodies. A network error gives status 0 and `error`
 * with k6's "Request Failed" warning, or throws with `throw`.
 */
export async function requestData(
  method: string,
  target: string | TaggedUrl,
  body?: unknown,
  params: Params = {},
  defaultCallback: ResponseCallback | null = null,
): Promise<ResponseData> {
  const run = new RequestRun(method, target, body, params, defaultCallback);
  while (await run.send()) {
    if (run.digestRetry()) continue;
    if (!run.redirect()) break;
  }
  return run.result();
}
