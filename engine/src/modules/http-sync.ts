import { receiveMessageOnPort } from "node:worker_threads";
import { currentVu } from "../state.ts";
import { syncBridge } from "../sync-bridge.ts";
import {
  expectedStatuses,
  type Params,
  Response,
  type ResponseCallback,
  type TaggedUrl,
  url,
  verbs,
} from "./http.ts";

/**
 * k6/http for sync mode: each call blocks this VU's thread (Atomics.wait) while the request runs
 * on the engine's I/O thread, which also records the HTTP metrics; then the response is read
 * synchronously with receiveMessageOnPort. Scripts written for k6 run unmodified.
 */
let defaultCallback: ResponseCallback | null | undefined;

export function setResponseCallback(callback: ResponseCallback | null): void {
  defaultCallback = callback;
}

export function request(
  method: string,
  target: string | TaggedUrl,
  body?: unknown,
  params: Params = {},
): Response {
  const bridge = syncBridge();
  const vu = currentVu();
  const sendParams =
    params.responseCallback === undefined && defaultCallback !== undefined
      ? { ...params, responseCallback: defaultCallback }
      : params;
  bridge.post({
    type: "http",
    context: {
      scenario: vu?.scenario ?? "",
      groupPath: vu?.groupPath ?? "",
      tags: vu?.tags ?? {},
      vu: vu?.vu ?? 0,
      iter: vu?.iter ?? 0,
    },
    method,
    target: typeof target === "string" ? target : { url: target.url, name: target.name },
    body:
      body instanceof ArrayBuffer || typeof body !== "object" || body === null
        ? body
        : { ...(body as object) },
    params: sendParams,
  });
  Atomics.wait(bridge.flag, 0, 0);
  Atomics.store(bridge.flag, 0, 0);
  const reply = receiveMessageOnPort(bridge.port)?.message as
    | { response: ConstructorParameters<typeof Response> }
    | undefined;
  if (!reply) throw new Error("sync mode: the I/O thread sent no response");
  return new Response(...reply.response);
}

export function batch(
  items: unknown[] | Record<string, unknown>,
): Response[] | Record<string, Response> {
  // Requests of a batch run one after another here; k6 runs them in parallel.
  const one = (item: unknown): Response => {
    if (typeof item === "string") return request("GET", item);
    if (Array.isArray(item))
      return request(item[0] as string, item[1] as string, item[2], item[3] as Params);
    const spec = item as { method: string; url: string; body?: unknown; params?: Params };
    return request(spec.method, spec.url, spec.body, spec.params);
  };
  if (Array.isArray(items)) return items.map(one);
  return Object.fromEntries(Object.entries(items).map(([key, item]) => [key, one(item)]));
}

export const { get, head, post, put, patch, del, options } = verbs(request);
/** In sync mode an async request still resolves to the same Response. */
export const asyncRequest = async (
  method: string,
  u: string | TaggedUrl,
  body?: unknown,
  params?: Params,
) => request(method, u, body, params);

export { expectedStatuses, url };

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
