import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

/**
 * A response body with its validators, built once and then served many times: the cache tiers
 * store representations, so a cache hit costs no JSON serialisation, no hashing and (after the
 * first request per encoding) no compression.
 */
export interface Representation {
  body: Buffer;
  type: string;
  /** Weak, so it stays valid across content codings of the same bytes. */
  etag: string;
  lastModified?: string;
  /** Compressed variants, made on first request for that encoding. */
  br?: Buffer;
  gzip?: Buffer;
}

export function jsonRepresentation(value: unknown, lastModified?: string): Representation {
  return bytesRepresentation(ownedBytes(JSON.stringify(value)), JSON_TYPE, lastModified);
}

/**
 * Bytes in memory of their own. `Buffer.from` puts anything under 4 KiB into a shared 8 KiB
 * pool slab, and a slice of a socket read shares that read's buffer: a cache that keeps such
 * a body keeps the whole slab or read alive (the leak detector measured cached entries growing
 * the heap ~6x faster than their own size). Cached bodies are copied out.
 */
export function ownedBytes(source: string | Uint8Array): Buffer {
  if (typeof source === "string") {
    const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(source));
    bytes.write(source);
    return bytes;
  }
  const bytes = Buffer.allocUnsafeSlow(source.byteLength);
  bytes.set(source);
  return bytes;
}

export const JSON_TYPE = "application/json; charset=utf-8";

export function bytesRepresentation(
  body: Buffer,
  type: string,
  lastModified?: string,
): Representation {
  return {
    body,
    type,
    etag: `W/"${createHash("sha1").update(body).digest("base64url").slice(0, 22)}"`,
    ...(lastModified ? { lastModified: new Date(lastModified).toUTCString() } : {}),
  };
}

/** Bytes held by a representation, for the LRU's size bound. */
export function representationSize(rep: Representation): number {
  return rep.body.byteLength + (rep.br?.byteLength ?? 0) + (rep.gzip?.byteLength ?? 0) + 200;
}

export interface ServeOptions {
  cacheControl: string;
  /** CDN purge keys, sent as Surrogate-Key (Fastly) and xkey (Varnish xkey). */
  surrogateKeys?: readonly string[];
  compression: boolean;
  status?: number;
  headers?: Record<string, string>;
}

/** Smallest body worth compressing: below this the headers cost more than they save. */
const MIN_COMPRESS = 1024;

function matchesEtag(header: string, etag: string): boolean {
  if (header.trim() === "*") return true;
  const opaque = etag.replace(/^W\//, "");
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === opaque);
}

function notModified(req: IncomingMessage, rep: Representation): boolean {
  const ifNoneMatch = req.headers["if-none-match"];
  if (ifNoneMatch !== undefined) return matchesEtag(ifNoneMatch, rep.etag);
  const since = req.headers["if-modified-since"];
  if (since === undefined || rep.lastModified === undefined) return false;
  const sinceMs = Date.parse(since);
  return Number.isFinite(sinceMs) && Date.parse(rep.lastModified) <= sinceMs;
}

function pickEncoding(req: IncomingMessage): "br" | "gzip" | undefined {
  const accept = req.headers["accept-encoding"];
  if (typeof accept !== "string") return undefined;
  const offered = new Map<string, number>();
  for (const part of accept.split(",")) {
    const [name = "", ...params] = part.trim().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    offered.set(name.trim().toLowerCase(), q ? Number(q.slice(2)) : 1);
  }
  if ((offered.get("br") ?? 0) > 0) return "br";
  if ((offered.get("gzip") ?? 0) > 0) return "gzip";
  return undefined;
}

function encoded(rep: Representation, encoding: "br" | "gzip"): Buffer {
  if (encoding === "br") {
    // Quality 4: dynamic responses are compressed on the request path; 11 costs ~20x the CPU.
    rep.br ??= brotliCompressSync(rep.body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 4,
        [constants.BROTLI_PARAM_SIZE_HINT]: rep.body.byteLength,
      },
    });
    return rep.br;
  }
  rep.gzip ??= gzipSync(rep.body, { level: 6 });
  return rep.gzip;
}

/** Conditional GET (304), content negotiation, cache and CDN headers. */
export function serveRepresentation(
  req: IncomingMessage,
  res: ServerResponse,
  rep: Representation,
  options: ServeOptions,
): void {
  const headers: Record<string, string | number> = {
    "cache-control": options.cacheControl,
    etag: rep.etag,
    vary: "Accept-Encoding",
    ...options.headers,
  };
  if (rep.lastModified) headers["last-modified"] = rep.lastModified;
  if (options.surrogateKeys?.length) {
    headers["surrogate-key"] = options.surrogateKeys.join(" ");
    headers.xkey = options.surrogateKeys.join(" ");
  }
  if ((options.status ?? 200) === 200 && notModified(req, rep)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const encoding =
    options.compression && rep.body.byteLength >= MIN_COMPRESS ? pickEncoding(req) : undefined;
  const body = encoding ? encoded(rep, encoding) : rep.body;
  if (encoding) headers["content-encoding"] = encoding;
  headers["content-type"] = rep.type;
  headers["content-length"] = body.byteLength;
  res.writeHead(options.status ?? 200, headers);
  res.end(req.method === "HEAD" ? undefined : body);
}
