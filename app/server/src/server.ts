import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { AppConfig } from "./config.ts";
import { type Routes, sendError } from "./http.ts";
import { healthRoutes } from "./routes/health.ts";
import { productRoutes } from "./routes/products.ts";
import { createStaticHandler } from "./routes/static.ts";
import { createVitalsRoutes } from "./routes/vitals.ts";

export interface RunningApp {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export function buildRoutes(): Routes {
  return { ...healthRoutes, ...productRoutes, ...createVitalsRoutes() };
}

export async function startApp(config: AppConfig): Promise<RunningApp> {
  const routes = buildRoutes();
  const serveStatic = createStaticHandler(config.webDist, config.crossOriginIsolation);
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://app.invalid");
    const handler = routes[`${req.method} ${url.pathname}`];
    if (!handler && (await serveStatic(req, res, url))) return;
    if (!handler) {
      sendError(res, 404, `no route for ${req.method} ${url.pathname}`);
      return;
    }
    try {
      await handler(req, res, url);
    } catch (error) {
      console.error(error);
      if (!res.headersSent) sendError(res, 500, "internal error");
      else res.destroy();
    }
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Drain: stop accepting, let in-flight requests finish, drop idle keep-alive sockets.
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
