import type { IncomingMessage, ServerResponse } from "node:http";

/** What a handler gets besides the request and response: the parsed URL and path parameters. */
export interface RequestContext {
  url: URL;
  params: Readonly<Record<string, string>>;
}

export type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
) => void | Promise<void>;

/** A route table keyed by `METHOD /path`, where a path segment `:name` is a parameter. */
export type Routes = Record<string, Handler>;

/**
 * A client error (or 429/503) with the reason the client gets. Handlers throw it for bad input
 * so every route answers the same way: a 4xx with `{"error": reason}`, never a 500.
 */
export class HttpError extends Error {
  override readonly name = "HttpError";
  constructor(
    readonly status: number,
    reason: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(reason);
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

export function sendError(
  res: ServerResponse,
  status: number,
  reason: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: reason }, { "cache-control": "no-store", ...headers });
}
