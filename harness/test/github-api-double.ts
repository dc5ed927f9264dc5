import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local HTTP double of the GitHub REST API for tests: the handful of endpoints perfgate calls,
 * answering with the recorded payload shapes in harness/test/fixtures/github, with real
 * pagination (`per_page`, `page`, `Link`), token checking, and injectable failures. Binds
 * 127.0.0.1 on a free port.
 */
const FIXTURES = new URL("./fixtures/github/", import.meta.url);

/** A recorded payload from the fixtures folder, as a fresh object. */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), "utf8")) as T;
}

type Json = Record<string, unknown>;

export interface RecordedRequest {
  method: string;
  path: string;
  body: Json | undefined;
}

export interface Failure {
  method: string;
  /** Matched against the path without the query string. */
  path: RegExp;
  status: number;
  body: Json;
  headers?: Record<string, string>;
  /** Answer this many matching requests, then stop failing (default: forever). */
  times?: number;
}

export interface ApiDouble {
  url: string;
  requests: RecordedRequest[];
  /** Comments per issue number, in creation order (ascending id, as GitHub lists them). */
  comments: Map<number, Json[]>;
  issues: Json[];
  pulls: Map<number, Json>;
  /** Every request matching a failure gets its status until it is removed from this list. */
  failures: Failure[];
  close(): Promise<void>;
}

export interface ApiDoubleOptions {
  owner: string;
  repo: string;
  token: string;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(body === undefined ? "" : JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<Json | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? (JSON.parse(text) as Json) : undefined;
}

/** Starts the double; `close()` it in `afterEach`. */
export async function startApiDouble(options: ApiDoubleOptions): Promise<ApiDouble> {
  const prefix = `/repos/${options.owner}/${options.repo}`;
  const state: Omit<ApiDouble, "url" | "close"> = {
    requests: [],
    comments: new Map(),
    issues: [],
    pulls: new Map(),
    failures: [],
  };
  let nextId = 2_000_000_000;
  let origin = "";
  const stamp = () =>
    new Date(Date.UTC(2026, 10, 20, 10, 0, state.requests.length))
      .toISOString()
      .replace(".000", "");

  function page(res: ServerResponse, url: URL, items: Json[]) {
    const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 30), 100);
    const number = Math.max(Number(url.searchParams.get("page") ?? 1), 1);
    const last = Math.max(Math.ceil(items.length / perPage), 1);
    const links: string[] = [];
    const at = (n: number) => {
      const link = new URL(url.pathname + url.search, origin);
      link.searchParams.set("page", String(n));
      return link.href;
    };
    if (number < last) links.push(`<${at(number + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`);
    if (number > 1) links.push(`<${at(1)}>; rel="first"`, `<${at(number - 1)}>; rel="prev"`);
    send(
      res,
      200,
      items.slice((number - 1) * perPage, number * perPage),
      links.length ? { link: links.join(", ") } : {},
    );
  }

  function newComment(issue: number, body: string): Json {
    const comment = fixture("issue-comment.json");
    const id = nextId++;
    const base = `${origin}${prefix}`;
    return {
      ...comment,
      id,
      url: `${base}/issues/comments/${id}`,
      html_url: `https://github.com/${options.owner}/${options.repo}/pull/${issue}#issuecomment-${id}`,
      issue_url: `${base}/issues/${issue}`,
      body,
      user: fixture("bot-user.json"),
      author_association: "NONE",
      created_at: stamp(),
      updated_at: stamp(),
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", origin);
    const method = req.method ?? "GET";
    const body = await readBody(req);
    state.requests.push({ method, path: url.pathname + url.search, body });
    if (req.headers.authorization !== `Bearer ${options.token}`) {
      return send(res, 401, {
        message: "Bad credentials",
        documentation_url: "https://docs.github.com/rest",
        status: "401",
      });
    }
    const failure = state.failures.find((f) => f.method === method && f.path.test(url.pathname));
    if (failure) {
      if (failure.times !== undefined && --failure.times <= 0) {
        state.failures.splice(state.failures.indexOf(failure), 1);
      }
      return send(res, failure.status, failure.body, failure.headers);
    }

    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : "";
    /** The number captured by `pattern` when this request is `verb` on it. */
    const route = (verb: string, pattern: RegExp): number | undefined => {
      const found = verb === method ? pattern.exec(path) : null;
      return found ? Number(found[1] ?? 0) : undefined;
    };
    const listed = route("GET", /^\/issues\/(\d+)\/comments$/);
    if (listed !== undefined) return page(res, url, state.comments.get(listed) ?? []);
    const commented = route("POST", /^\/issues\/(\d+)\/comments$/);
    if (commented !== undefined) {
      const comment = newComment(commented, String(body?.body ?? ""));
      state.comments.set(commented, [...(state.comments.get(commented) ?? []), comment]);
      return send(res, 201, comment, { location: String(comment.url) });
    }
    const edited = route("PATCH", /^\/issues\/comments\/(\d+)$/);
    const comment = [...state.comments.values()].flat().find((c) => c.id === edited);
    if (comment) {
      Object.assign(comment, { body: String(body?.body ?? ""), updated_at: stamp() });
      return send(res, 200, comment);
    }
    const pull = state.pulls.get(route("GET", /^\/pulls\/(\d+)$/) ?? -1);
    if (pull) return send(res, 200, pull);
    if (route("GET", /^\/issues()$/) !== undefined) {
      const wanted = url.searchParams.get("state") ?? "open";
      const labels = url.searchParams.get("labels")?.split(",") ?? [];
      const named = (issue: Json) =>
        ((issue.labels as { name: string }[] | undefined) ?? []).map((l) => l.name);
      const matching = state.issues.filter(
        (i) =>
          (wanted === "all" || i.state === wanted) && labels.every((l) => named(i).includes(l)),
      );
      return page(res, url, matching);
    }
    if (route("POST", /^\/issues()$/) !== undefined) {
      const number = 100 + state.issues.length;
      const issue = {
        ...fixture("issue.json"),
        number,
        title: body?.title,
        body: body?.body,
        labels: ((body?.labels as string[] | undefined) ?? []).map((name) => ({ name })),
        html_url: `https://github.com/${options.owner}/${options.repo}/issues/${number}`,
        user: fixture("bot-user.json"),
      };
      state.issues.push(issue);
      return send(res, 201, issue);
    }
    const patched = route("PATCH", /^\/issues\/(\d+)$/);
    const issue = state.issues.find((i) => i.number === patched);
    if (issue) {
      Object.assign(issue, body, { updated_at: stamp() });
      return send(res, 200, issue);
    }
    send(res, 404, fixture("error-404.json"));
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ...state,
    url: origin,
    close: () =>
      new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
