/** A round trip's metrics and its response body's decoding, as k6's tracer and readResponseBody. */
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";
import { routeTable, sampleTagValue } from "../routes.ts";
import { engineState, sampleTags } from "../state.ts";
import type { Timings } from "./http-response.ts";
import { connectionOf, type RawResponse } from "./transport.ts";

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

export interface Hop {
  method: string;
  url: string;
  name: string;
  status: number;
  errorCode: number;
  timings: Timings;
  received: number;
  sent: number;
  expected: boolean;
  countFailed: boolean;
  tags: Record<string, string> | undefined;
}

/** One round trip's samples: k6 counts every hop of a redirect chain and each digest round. */
export function recordHop(hop: Hop): void {
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
export function decodeBody(raw: RawResponse): Buffer[] {
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
