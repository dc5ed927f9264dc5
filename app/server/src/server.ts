import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { AppConfig } from "./config.ts";
import { HttpError, type Routes, sendError } from "./http.ts";
import { checkQueryText, checkText } from "./lib/text.ts";
import { leakOnRequest } from "./memory/leak.ts";
import { createRouter } from "./router.ts";
import { createDashboardRoutes } from "./routes/dashboard.ts";
import { createDebugRoutes } from "./routes/debug.ts";
import { createCacheSwitchRoutes } from "./routes/debug-cache.ts";
import { createFaultRoutes } from "./routes/debug-faults.ts";
import { healthRoutes } from "./routes/health.ts";
import { createJobRoutes } from "./routes/jobs.ts";
import { createProductRoutes } from "./routes/products.ts";
import { createPurgeRoutes } from "./routes/purge.ts";
import { createStaticHandler } from "./routes/static.ts";
import { createThumbnailRoutes } from "./routes/thumbnails.ts";
import { createVitalsRoutes } from "./routes/vitals.ts";
import { type AppServices, createServices, type SharedParts } from "./services.ts";
import { createSlowdown } from "./slowdown.ts";

export interface RunningApp {
  url: string;
  server: Server;
  services: AppServices;
  /** Drain in-flight requests, then close the pool, Redis and the database. */
  close(): Promise<void>;
}

export function buildRoutes(services: AppServices): Routes {
  return {
    ...healthRoutes,
    ...createProductRoutes(services),
    ...createThumbnailRoutes(services),
    ...createDashboardRoutes(services),
    ...createJobRoutes(services),
    ...createPurgeRoutes(services),
    ...createVitalsRoutes(),
    ...(services.config.debug
      ? {
          ...createDebugRoutes(services),
          ...createFaultRoutes(services),
          ...createCacheSwitchRoutes(services),
        }
      : {}),
  };
}

/**
 * The request target as a URL. An absolute-form target (`GET http://host/path`) is taken as
 * is, and one that is no URL at all (`GET http://`) is the client's error, not a 500.
 */
function requestUrl(target: string | undefined): URL {
  try {
    return new URL(target ?? "/", "http://app.invalid");
  } catch {
    throw new HttpError(400, `url: not a valid request target "${(target ?? "").slice(0, 80)}"`);
  }
}

/**
 * HTTP that Node's parser rejects before any handler runs (a malformed request line, a bad
 * header, headers too large) gets the same JSON error shape as every other 4xx.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // As Node's own handler does: a response already under way on this socket (a pipelined
  // request after it was malformed) cannot be followed by another, so the socket just closes.
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
  if (error.code === "ECONNRESET" || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const status =
    error.code === "HPE_HEADER_OVERFLOW"
      ? 431
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? 408
        : 400;
  const body = JSON.stringify({
    error: `request: malformed HTTP (${error.code ?? error.message})`,
  });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n${body}`,
  );
}

export async function startApp(
  config: AppConfig,
  log: (message: string) => void = (message) => process.stderr.write(`perfgate-app: ${message}\n`),
  shared: SharedParts = {},
): Promise<RunningApp> {
  const services = await createServices(config, log, shared);
  const route = createRouter(buildRoutes(services));
  const serveStatic = createStaticHandler(config.webDist, config.crossOriginIsolation);
  const slowDown = config.slowdownPct > 0 ? createSlowdown(config.slowdownPct) : undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = requestUrl(req.url);
    const method = req.method === "HEAD" ? "GET" : (req.method ?? "GET");
    const match = route(method, url.pathname);
    if (match.kind === "none") {
      if (method === "GET" && (await serveStatic(req, res, url))) return;
      return sendError(res, 404, `no route for ${req.method} ${url.pathname}`);
    }
    if (match.kind === "method-not-allowed") {
      return sendError(res, 405, `${req.method} not allowed on ${url.pathname}`, {
        allow: match.allow.join(", "),
      });
    }
    // Text the database cannot store is refused here once for every route (bodies: readJson).
    checkQueryText(url);
    for (const [name, value] of Object.entries(match.params)) checkText(name, value);
    if (url.pathname.startsWith("/api/")) {
      leakOnRequest(config.leakBytes);
      slowDown?.apply(res);
    }
    await match.handler(req, res, { url, params: match.params });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError)
        return sendError(res, error.status, error.message, error.headers);
      log(`${req.method} ${req.url}: ${(error as Error).stack ?? error}`);
      sendError(res, 500, "internal error");
    });
  });
  server.on("clientError", answerClientError);
  server.keepAliveTimeout = 65_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.port, config.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await services.close();
    throw error;
  }
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    server,
    services,
    close: () => {
      closing ??= (async () => {
        // Drain: stop accepting, let in-flight requests finish, drop idle keep-alive sockets.
        const drained = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // Long-lived streams (SSE) would hold the drain open forever.
        const force = setTimeout(() => server.closeAllConnections(), 5000);
        await drained;
        clearTimeout(force);
        await services.close();
      })();
      return closing;
    },
  };
}
