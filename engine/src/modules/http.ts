import { DEFAULT_HTTP_OPTIONS } from "../http-options.ts";
import { engineState } from "../state.ts";
import { cookieJarClass, runJarOp } from "./cookies.ts";
import { file } from "./http-body.ts";
import { type Params, type ResponseCallback, requestData, type TaggedUrl } from "./http-request.ts";
import { Response, type ResponseData } from "./http-response.ts";

export type { Params, ResponseCallback, TaggedUrl };
export { Response };

type StatusRange = { min: number; max: number };

export function expectedStatuses(...codes: (number | StatusRange)[]): ResponseCallback {
  return { __perfgateExpected: codes };
}

let defaultCallback: ResponseCallback | null = expectedStatuses({ min: 200, max: 399 });

export function setResponseCallback(callback: ResponseCallback | null): void {
  defaultCallback = callback;
}

export function url(strings: TemplateStringsArray, ...values: unknown[]): TaggedUrl {
  const full = strings.reduce(
    (acc, part, i) => acc + part + (i < values.length ? String(values[i]) : ""),
    "",
  );
  const name = strings.reduce((acc, part, i) => acc + part + (i < values.length ? `\${}` : ""), "");
  return { url: full, name, toString: () => full };
}

/**
 * A request's plain result, on the thread that makes requests. Sync-mode VUs reach it through
 * the I/O thread, which passes their own default callback.
 */
export function requestRaw(
  method: string,
  target: string | TaggedUrl,
  body?: unknown,
  params?: Params | null,
  callback: ResponseCallback | null | undefined = defaultCallback,
): Promise<ResponseData> {
  return requestData(
    method,
    target,
    body,
    params ?? {},
    callback === undefined ? defaultCallback : callback,
  );
}

/** Any request of k6/http. Network errors become a Response with status 0 and `error`, as in k6. */
export async function request(
  method: string,
  target: string | TaggedUrl,
  body?: unknown,
  params?: Params | null,
): Promise<Response> {
  return new Response(await requestRaw(method, target, body, params), send);
}

const send = (method: string, u: string, body?: unknown, params?: unknown) =>
  request(method, u, body, params as Params | null);

export type BatchItem =
  | string
  | TaggedUrl
  | [string, string | TaggedUrl, unknown?, Params?]
  | { method: string; url: string | TaggedUrl; body?: unknown; params?: Params };

/** A batch item as (method, url, body, params). */
export function batchArgs(
  item: BatchItem,
): [string, string | TaggedUrl, unknown, Params | undefined] {
  if (typeof item === "string") return ["GET", item, null, undefined];
  if (Array.isArray(item)) return [item[0], item[1], item[2] ?? null, item[3]];
  if ("method" in item) return [item.method, item.url, item.body ?? null, item.params];
  return ["GET", item, null, undefined];
}

/**
 * Runs `tasks` at most `batch` at once and `batchPerHost` per host at once (k6's limits,
 * 20 and 6 by default; 0 is no limit), in order of the list.
 */
export async function limitedBatch<T>(
  hosts: string[],
  task: (index: number) => Promise<T>,
): Promise<T[]> {
  const options = engineState().http ?? DEFAULT_HTTP_OPTIONS;
  const results: T[] = new Array(hosts.length);
  const perHost = new Map<string, number>();
  let running = 0;
  let next = 0;
  const waiting: number[] = hosts.map((_, i) => i);
  await new Promise<void>((resolve, reject) => {
    const pump = () => {
      if (next === hosts.length && running === 0) return resolve();
      for (let k = 0; k < waiting.length; k += 1) {
        if (options.batch > 0 && running >= options.batch) break;
        const index = waiting[k] as number;
        const host = hosts[index] as string;
        if (options.batchPerHost > 0 && (perHost.get(host) ?? 0) >= options.batchPerHost) continue;
        waiting.splice(k, 1);
        k -= 1;
        next += 1;
        running += 1;
        perHost.set(host, (perHost.get(host) ?? 0) + 1);
        task(index).then((value) => {
          results[index] = value;
          running -= 1;
          perHost.set(host, (perHost.get(host) ?? 1) - 1);
          pump();
        }, reject);
      }
    };
    pump();
  });
  return results;
}

function hostOf(target: string | TaggedUrl): string {
  try {
    return new URL(typeof target === "string" ? target : target.url).host;
  } catch {
    return "";
  }
}

/** `http.batch`: requests in parallel; an array gives an array, an object gives an object. */
export async function batch(
  items: BatchItem[] | Record<string, BatchItem>,
): Promise<Response[] | Record<string, Response>> {
  const entries = Array.isArray(items)
    ? items.map((item, i) => [String(i), item] as const)
    : Object.entries(items);
  const args = entries.map(([, item]) => batchArgs(item));
  const responses = await limitedBatch(
    args.map((a) => hostOf(a[1])),
    (i) => request(...(args[i] as Parameters<typeof request>)),
  );
  if (Array.isArray(items)) return responses;
  return Object.fromEntries(entries.map(([key], i) => [key, responses[i] as Response]));
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

export const CookieJar = cookieJarClass(runJarOp);
/** The running VU's own jar. */
export const cookieJar = () => new CookieJar("vu");

export { file };

/** k6's `http.TLS_1_2` … and `http.OCSP_*` constants. */
export const TLS_1_0 = "tls1.0";
export const TLS_1_1 = "tls1.1";
export const TLS_1_2 = "tls1.2";
export const TLS_1_3 = "tls1.3";

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
  file,
  cookieJar,
  CookieJar,
  expectedStatuses,
  setResponseCallback,
  TLS_1_0,
  TLS_1_1,
  TLS_1_2,
  TLS_1_3,
};
