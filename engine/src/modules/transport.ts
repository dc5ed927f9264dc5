import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { Agent, buildConnector, type Dispatcher, util } from "undici";
import { allowHosts, assertHostAllowed } from "./host-guard.ts";

/** The TLS options of k6 (`insecureSkipTLSVerify`, `tlsVersion`, `tlsCipherSuites`) in Node's terms. */
export interface TlsSettings {
  rejectUnauthorized: boolean;
  minVersion?: "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3" | undefined;
  maxVersion?: "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3" | undefined;
  ciphers?: string | undefined;
}

/** What k6's Response tells about the connection (remote_ip, proto, tls_*), per origin. */
export interface ConnectionInfo {
  remoteIp: string;
  remotePort: number;
  proto: string;
  tlsVersion: string;
  tlsCipherSuite: string;
}

const connections = new Map<string, ConnectionInfo>();

function originKey(protocol: string, hostname: string, port: string): string {
  const fallback = protocol === "https:" ? "443" : "80";
  return `${protocol}//${hostname}:${port || fallback}`;
}

/** Origin keys of request URLs, parsed once per URL (bounded like `targets`). */
const originKeys = new Map<string, string>();

/** The connection a request to `href` went over (all connections to an origin are alike). */
export function connectionOf(href: string): ConnectionInfo | undefined {
  let key = originKeys.get(href);
  if (key === undefined) {
    const { protocol, hostname, port } = new URL(href);
    key = originKey(protocol, hostname, port);
    if (originKeys.size >= 10_000) originKeys.clear();
    originKeys.set(href, key);
  }
  return connections.get(key);
}

function remember(options: buildConnector.Options, socket: Socket): void {
  const tls = socket as Partial<TLSSocket>;
  const secure = typeof tls.getProtocol === "function";
  const version = secure ? (tls.getProtocol?.() ?? "") : "";
  connections.set(originKey(options.protocol, options.hostname, options.port), {
    remoteIp: socket.remoteAddress ?? "",
    remotePort: socket.remotePort ?? 0,
    proto: secure && tls.alpnProtocol === "h2" ? "HTTP/2.0" : "HTTP/1.1",
    // Go's names: tls1.2, and the IANA suite name.
    tlsVersion: version.replace(
      /^TLSv(\d)(\.\d)?$/,
      (_, major: string, minor?: string) => `tls${major}${minor ?? ".0"}`,
    ),
    tlsCipherSuite: secure ? (tls.getCipher?.().standardName ?? "") : "",
  });
}

function newAgent(tls: TlsSettings): Agent {
  const base = buildConnector({ ...tls, allowH2: true } as buildConnector.BuildOptions);
  const connect: buildConnector.connector = (options, callback) =>
    base(options, (error, socket) => {
      if (!error && socket) remember(options, socket as Socket);
      (callback as (e: Error | null, s: unknown) => void)(error, socket);
    });
  // HTTP/2 where the server offers it over TLS (ALPN), as Go's client negotiates it for k6.
  return new Agent({
    keepAliveTimeout: 60_000,
    connections: null,
    pipelining: 1,
    allowH2: true,
    connect,
  });
}

/**
 * Keep-alive connections shared by every VU of this thread, as k6 keeps them per VU. One
 * request in flight per connection (k6 does not pipeline); the pool per origin grows to the
 * number of concurrent requests.
 */
let agent = newAgent({ rejectUnauthorized: true });

/** Applies the run's TLS options: a new pool, so no connection made under other options is reused. */
export function configureTransport(tls: TlsSettings): void {
  const old = agent;
  agent = newAgent(tls);
  connections.clear();
  void old.close().catch(() => {});
}

/** What one HTTP exchange returned, before k6's Response is built from it. */
export interface RawResponse {
  status: number;
  /** Go's `res.Status`: "404 Not Found". */
  statusText: string;
  /** Header names in k6's canonical form; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Each `Set-Cookie` header as sent. */
  setCookies: string[];
  /** Chunks of the body, kept only when the caller asked for them. */
  chunks: Buffer[];
  /** Body bytes received. */
  received: number;
  /** performance.now() when the response headers arrived. */
  headersAt: number;
}

type Target = { origin: string; path: string };

/**
 * Parsed request targets, each checked against the host guard: a test sends to a handful of
 * URLs, so each is parsed and checked once.
 */
const targets = new Map<string, Target>();

function targetOf(href: string): Target {
  let target = targets.get(href);
  if (target === undefined) {
    const parsed = new URL(href);
    // Before anything is cached or dispatched: a refused host never gets a connection.
    assertHostAllowed(parsed.hostname);
    target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
    // Unbounded URL sets (ids in the path) must not grow memory over a soak.
    if (targets.size >= 10_000) targets.clear();
    targets.set(href, target);
  }
  return target;
}

/** The hosts this thread may load besides loopback; targets checked under other hosts are forgotten. */
export function configureHostGuard(hosts: readonly string[]): void {
  allowHosts(hosts);
  targets.clear();
}

/** Canonical header names (k6 shows Go's `Content-Type` form), computed once per distinct name. */
const canonicalNames = new Map<string, string>();

function canonicalHeader(lower: string): string {
  let name = canonicalNames.get(lower);
  if (name === undefined) {
    name = lower.replace(/(^|-)([a-z])/g, (_, dash: string, ch: string) => dash + ch.toUpperCase());
    if (canonicalNames.size >= 1_000) canonicalNames.clear();
    canonicalNames.set(lower, name);
  }
  return name;
}

function decodeHeaders(raw: Buffer[]): { headers: Record<string, string>; setCookies: string[] } {
  const headers: Record<string, string> = {};
  let setCookies: string[] = [];
  for (const [key, value] of Object.entries(util.parseHeaders(raw))) {
    if (value === undefined) continue;
    headers[canonicalHeader(key)] = Array.isArray(value) ? value.join(", ") : value;
    // Each Set-Cookie apart: joined with ", " they could not be told from an Expires date.
    if (key === "set-cookie") setCookies = Array.isArray(value) ? value : [value];
  }
  return { headers, setCookies };
}

/**
 * undici's low-level handler: no Readable stream, no AsyncResource and one promise per request,
 * which is most of what `undici.request()` costs on a fast loopback target.
 */
class Exchange implements RawResponse {
  status = 0;
  statusText = "";
  headers: Record<string, string> = {};
  setCookies: string[] = [];
  chunks: Buffer[] = [];
  received = 0;
  headersAt = 0;

  constructor(
    private readonly keepBody: boolean,
    private readonly resolve: (response: RawResponse) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  onConnect(): void {}

  onHeaders(status: number, raw: Buffer[], _resume: () => void, text?: string): boolean {
    // Informational (1xx) heads precede the real response, as undici.request() skips them.
    if (status < 200) return true;
    this.headersAt = performance.now();
    this.status = status;
    this.statusText = `${status} ${text || STATUS_CODES[status] || ""}`.trim();
    ({ headers: this.headers, setCookies: this.setCookies } = decodeHeaders(raw));
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.received += chunk.length;
    if (this.keepBody) this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    this.resolve(this);
  }

  onError(error: Error): void {
    this.reject(error);
  }
}

export interface ExchangeOptions {
  method: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
  timeoutMs: number;
  /** False when the script discards the body (`responseType: "none"`, redirects). */
  keepBody: boolean;
}

/** Sends one request on a kept-alive connection; network errors reject as undici raised them. */
export function exchange(href: string, options: ExchangeOptions): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const { origin, path } = targetOf(href);
    const dispatch: Dispatcher.DispatchOptions = {
      origin,
      path,
      method: options.method as Dispatcher.HttpMethod,
      headers: options.headers,
      body: options.body ?? null,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    };
    agent.dispatch(dispatch, new Exchange(options.keepBody, resolve, reject));
  });
}

/** The body as text, as undici's `body.text()` decodes it (UTF-8, a leading BOM skipped). */
export function bodyText(chunks: Buffer[], length: number): string {
  if (chunks.length === 0 || length === 0) return "";
  const buffer = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length);
  const bom = buffer.length > 2 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf;
  return buffer.toString("utf8", bom ? 3 : 0);
}

/** The body as a standalone ArrayBuffer (k6's `responseType: "binary"`). */
export function bodyBytes(chunks: Buffer[], length: number): ArrayBuffer {
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes.buffer;
}
