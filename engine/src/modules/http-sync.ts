import { receiveMessageOnPort } from "node:worker_threads";
import { currentVu } from "../state.ts";
import { syncBridge } from "../sync-bridge.ts";
import { cookieJarClass, type JarHandle } from "./cookies.ts";
import {
  type BatchItem,
  batchArgs,
  expectedStatuses,
  file,
  type Params,
  Response,
  type ResponseCallback,
  type TaggedUrl,
  TLS_1_0,
  TLS_1_1,
  TLS_1_2,
  TLS_1_3,
  url,
  verbs,
} from "./http.ts";
import type { ResponseData } from "./http-response.ts";

/**
 * k6/http for sync mode: each call blocks this VU's thread (Atomics.wait) while the I/O thread
 * does the work (requests, batches, cookie jars: the same code as async mode, there) and
 * records the HTTP metrics; then the answer is read synchronously with receiveMessageOnPort.
 * Scripts written for k6 run unmodified.
 */
let defaultCallback: ResponseCallback | null | undefined;

export function setResponseCallback(callback: ResponseCallback | null): void {
  defaultCallback = callback;
}

/** Who is calling, for the I/O thread's tags, cookie jar and iteration. */
export interface CallContext {
  scenario: string;
  groupPath: string;
  tags: Record<string, string>;
  vu: number;
  iter: number;
}

/** What a sync-mode VU asks of the I/O thread (sync-vu.ts serves it). */
export type BridgeCall =
  | {
      type: "http";
      requests: WireRequest[];
      single: boolean;
      callback: ResponseCallback | null | undefined;
    }
  | { type: "jar"; handle: JarHandle; op: string; args: unknown[] };

export interface WireRequest {
  method: string;
  target: string | { url: string; name: string };
  body: unknown;
  params: Params | undefined;
}

/** Posts one call, blocks until the I/O thread answers, rethrows what it threw. */
function call(message: BridgeCall): unknown {
  const bridge = syncBridge();
  const vu = currentVu();
  const context: CallContext = {
    scenario: vu?.scenario ?? "",
    groupPath: vu?.groupPath ?? "",
    tags: vu?.tags ?? {},
    vu: vu?.vu ?? 0,
    iter: vu?.iter ?? 0,
  };
  bridge.post({ type: "bridge", context, call: message });
  Atomics.wait(bridge.flag, 0, 0);
  Atomics.store(bridge.flag, 0, 0);
  const reply = receiveMessageOnPort(bridge.port)?.message as
    | { value?: unknown; thrown?: string }
    | undefined;
  if (!reply) throw new Error("sync mode: the I/O thread sent no answer");
  if (reply.thrown !== undefined) throw new Error(reply.thrown);
  return reply.value;
}

/** Plain data only crosses threads: bodies (FileData too) and params are copied. */
function wire(
  method: string,
  target: string | TaggedUrl,
  body?: unknown,
  params?: Params | null,
): WireRequest {
  return {
    method,
    target: typeof target === "string" ? target : { url: target.url, name: target.name },
    body:
      body instanceof ArrayBuffer ||
      ArrayBuffer.isView(body) ||
      typeof body !== "object" ||
      body === null
        ? body
        : { ...(body as object) },
    params: params
      ? { ...params, jar: params.jar ? { __jarId: params.jar.__jarId } : params.jar }
      : undefined,
  };
}

const send = (method: string, u: string, body?: unknown, params?: unknown): Response =>
  request(method, u, body, params as Params | null);

export function request(
  method: string,
  target: string | TaggedUrl,
  body?: unknown,
  params?: Params | null,
): Response {
  const [data] = call({
    type: "http",
    requests: [wire(method, target, body, params)],
    single: true,
    callback: defaultCallback,
  }) as ResponseData[];
  return new Response(data as ResponseData, send);
}

/** `http.batch`: the I/O thread runs the requests in parallel while this VU waits. */
export function batch(
  items: BatchItem[] | Record<string, BatchItem>,
): Response[] | Record<string, Response> {
  const entries = Array.isArray(items)
    ? items.map((item, i) => [String(i), item] as const)
    : Object.entries(items);
  const requests = entries.map(([, item]) => wire(...batchArgs(item)));
  const data = call({
    type: "http",
    requests,
    single: false,
    callback: defaultCallback,
  }) as ResponseData[];
  const responses = data.map((d) => new Response(d, send));
  if (Array.isArray(items)) return responses;
  return Object.fromEntries(entries.map(([key], i) => [key, responses[i] as Response]));
}

export const { get, head, post, put, patch, del, options } = verbs(request);
/** In sync mode an async request still resolves to the same Response. */
export const asyncRequest = async (
  method: string,
  u: string | TaggedUrl,
  body?: unknown,
  params?: Params,
) => request(method, u, body, params);

export const CookieJar = cookieJarClass((handle, op, args) =>
  call({ type: "jar", handle: { __jarId: handle.__jarId }, op, args }),
);
export const cookieJar = () => new CookieJar("vu");

export { expectedStatuses, file, TLS_1_0, TLS_1_1, TLS_1_2, TLS_1_3, url };

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
