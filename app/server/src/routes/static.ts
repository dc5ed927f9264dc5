import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { sendError } from "../http.ts";
import { type Representation, serveRepresentation } from "../representation.ts";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".webmanifest": "application/manifest+json",
};

/**
 * The built web app (app/web/dist): hashed assets are immutable, the HTML shell is revalidated
 * by ETag, text is served brotli or gzip by Accept-Encoding, and responses carry COOP/COEP so
 * the page is cross-origin isolated (SharedArrayBuffer for the Comlink worker).
 */
export function createStaticHandler(distDir: string, crossOriginIsolated: boolean) {
  const cache = new Map<string, Representation>();
  async function load(relative: string): Promise<Representation | undefined> {
    const cached = cache.get(relative);
    if (cached) return cached;
    const file = path.join(distDir, relative);
    if (!file.startsWith(distDir + path.sep)) return undefined;
    const body = await readFile(file).catch(() => undefined);
    if (!body) return undefined;
    const entry: Representation = {
      body,
      // Built once per file, so the slowest, smallest brotli is worth it here.
      br: brotliCompressSync(body),
      gzip: gzipSync(body),
      etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`,
      type: TYPES[path.extname(file)] ?? "application/octet-stream",
    };
    cache.set(relative, entry);
    return entry;
  }

  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    if (url.pathname.startsWith("/api/") || url.pathname === "/healthz") return false;
    const isAsset = url.pathname.startsWith("/assets/");
    const relative = isAsset || url.pathname === "/sw.js" ? url.pathname.slice(1) : "index.html";
    const entry = await load(relative);
    if (!entry) {
      if (relative === "index.html")
        sendError(res, 503, "the web app is not built: run `npm run build:web`");
      else sendError(res, 404, `no file ${url.pathname}`);
      return true;
    }
    const headers: Record<string, string> = {};
    if (crossOriginIsolated) {
      // On the HTML for the page, and on scripts too: a worker of an isolated page must be served
      // with a compatible embedder policy, or it does not start.
      headers["cross-origin-opener-policy"] = "same-origin";
      headers["cross-origin-embedder-policy"] = "require-corp";
      headers["cross-origin-resource-policy"] = "same-origin";
    }
    serveRepresentation(req, res, entry, {
      cacheControl: isAsset ? "public, max-age=31536000, immutable" : "no-cache",
      compression: true,
      headers,
    });
    return true;
  };
}
