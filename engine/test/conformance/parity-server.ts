import { createHash } from "node:crypto";
import { createServer as createHttp, type IncomingMessage, type ServerResponse } from "node:http";
import { createSecureServer } from "node:http2";
import { createServer as createHttps } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { gzipSync } from "node:zlib";

/**
 * The loopback server the parity scripts (`parity/*.js`) run against, with the real k6 v0.48.0
 * when their fixtures were captured and with the engine in the tests: cookies, redirects, auth,
 * gzip, forms, multipart, HTML, slow answers. `hits` counts the requests it saw, as k6's
 * http_reqs should.
 */
export interface ParityServer {
  baseUrl: string;
  hits: number;
  close(): Promise<void>;
}

/** Requests inside /slow right now and the most seen at once (http.batch runs in parallel). */
const slow = { now: 0, max: 0 };

const md5 = (text: string) => createHash("md5").update(text).digest("hex");
const REALM = "perfgate";
const NONCE = "6f1d4c5e0a9b";

const HTML = `<!doctype html><html><head><title>Parity page</title></head><body>
<h1 class="title">Hello <b>k6</b></h1>
<ul><li><a href="/a">first</a></li><li><a href="/b" data-id="7">second</a></li></ul>
<form id="login" action="/echo" method="POST">
<input type="text" name="user" value="ann"><input type="hidden" name="csrf" value="t0k3n">
<select name="size"><option value="s">S</option><option value="m" selected>M</option></select>
<input type="submit" name="go" value="Go">
</form></body></html>`;

/** A digest `Authorization` header is right for user `user` / password `passwd` (RFC 2617). */
function digestOk(req: IncomingMessage): boolean {
  const header = req.headers.authorization ?? "";
  if (!header.startsWith("Digest ")) return false;
  const fields = Object.fromEntries(
    [...header.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)].map((m) => [
      m[1],
      m[2] ?? m[3],
    ]),
  );
  const ha1 = md5(`user:${REALM}:passwd`);
  const ha2 = md5(`${req.method}:${fields.uri}`);
  const expected = md5(`${ha1}:${NONCE}:${fields.nc}:${fields.cnonce}:${fields.qop}:${ha2}`);
  return fields.username === "user" && fields.response === expected;
}

function cookiesOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

async function answer(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
  const url = new URL(req.url ?? "/", "http://loopback");
  const route = url.pathname;
  const json = (value: unknown, status = 200) => {
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(JSON.stringify(value));
  };
  if (route === "/set") {
    const cookies = [...url.searchParams].map(([k, v]) => `${k}=${v}; Path=/`);
    res.writeHead(200, { "Set-Cookie": cookies });
    res.end("set");
  } else if (route === "/set-redirect") {
    res.writeHead(302, { "Set-Cookie": "hop=1; Path=/", Location: "/cookies" });
    res.end();
  } else if (route === "/cookies") json(cookiesOf(req));
  else if (route.startsWith("/redirect/")) {
    const n = Number(route.slice("/redirect/".length));
    if (n <= 0) res.end("done");
    else {
      res.writeHead(302, { Location: `/redirect/${n - 1}` });
      res.end();
    }
  } else if (route === "/see-other") {
    res.writeHead(303, { Location: "/method" });
    res.end();
  } else if (route === "/method") json({ method: req.method, length: body.length });
  else if (route === "/gzip") {
    res.writeHead(200, { "Content-Type": "application/json", "Content-Encoding": "gzip" });
    res.end(gzipSync(JSON.stringify({ gzip: true, accept: req.headers["accept-encoding"] })));
  } else if (route === "/echo")
    json({
      method: req.method,
      contentType: req.headers["content-type"] ?? "",
      body: body.toString("latin1"),
      headers: req.headers,
    });
  else if (route === "/slow") {
    slow.now += 1;
    slow.max = Math.max(slow.max, slow.now);
    await delay(Number(url.searchParams.get("ms") ?? 1000));
    slow.now -= 1;
    res.end("slow");
  } else if (route === "/slow-max") {
    json({ max: slow.max });
    slow.max = 0;
  } else if (route === "/basic") {
    const ok =
      req.headers.authorization === `Basic ${Buffer.from("user:passwd").toString("base64")}`;
    res.writeHead(ok ? 200 : 401, ok ? {} : { "WWW-Authenticate": `Basic realm="${REALM}"` });
    res.end(ok ? "basic ok" : "no");
  } else if (route === "/digest") {
    if (digestOk(req)) res.end("digest ok");
    else {
      res.writeHead(401, {
        "WWW-Authenticate": `Digest realm="${REALM}", qop="auth", nonce="${NONCE}", opaque="abc", algorithm=MD5`,
      });
      res.end("no");
    }
  } else if (route === "/html") {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(HTML);
  } else if (route.startsWith("/status/")) {
    res.writeHead(Number(route.slice("/status/".length)));
    res.end();
  } else res.end("ok");
}

function handler(server: ParityServer) {
  return (req: IncomingMessage, res: ServerResponse) => {
    server.hits += 1;
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      answer(req, res, Buffer.concat(chunks)).catch((error: Error) => {
        res.writeHead(500);
        res.end(error.message);
      });
    });
  };
}

/** Starts the server on 127.0.0.1 (any port, or `port`); with `tls`, HTTPS with that key pair. */
export async function startParityServer(
  options: { port?: number; tls?: { key: string; cert: string }; h2?: boolean } = {},
): Promise<ParityServer> {
  const state: ParityServer = { baseUrl: "", hits: 0, close: async () => {} };
  const server =
    options.tls && options.h2
      ? createSecureServer({ ...options.tls, allowHTTP1: true }, handler(state) as never)
      : options.tls
        ? createHttps(options.tls, handler(state))
        : createHttp(handler(state));
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  state.baseUrl = `${options.tls ? "https" : "http"}://127.0.0.1:${port}`;
  state.close = () =>
    new Promise((resolve) => {
      // HTTP/2 sessions (kept alive by the client) hold the server open: end their sockets.
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return state;
}
