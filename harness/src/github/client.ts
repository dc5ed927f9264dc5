import { setTimeout as sleep } from "node:timers/promises";
import { fetch } from "undici";
import { EXIT, HarnessError } from "../schema/index.ts";
import { WORKFLOW_TOKEN } from "./context.ts";

/** One GitHub REST call's outcome, kept small: the parsed JSON and the pagination link. */
export interface ApiResponse<T> {
  status: number;
  data: T;
  next: string | undefined;
}

export interface GitHubClientOptions {
  apiUrl: string;
  token: string;
  /** Aborts in-flight requests (Ctrl+C). */
  signal?: AbortSignal;
  /** Per-request timeout; the API answers in well under a second when healthy. */
  timeoutMs?: number;
  /** Tries per GET/PATCH on 5xx and on rate limits that say when to come back (default 3). */
  attempts?: number;
  /** First back-off; doubles per try (default 1 s). */
  retryDelayMs?: number;
}

/** Longest wait perfgate accepts from `retry-after` before giving up with the error instead. */
const MAX_RETRY_WAIT_MS = 60_000;

/**
 * How long to wait before retrying, or undefined when the status is final. Retried: 502/503/504
 * (GitHub's transient errors) and 403/429 carrying `retry-after` (secondary rate limits).
 */
export function retryDelay(
  status: number,
  headers: { get(name: string): string | null },
  attempt: number,
  baseMs: number,
): number | undefined {
  const retryAfter = Number(headers.get("retry-after"));
  if ((status === 403 || status === 429) && headers.get("retry-after") !== null) {
    const ms = Number.isFinite(retryAfter) ? retryAfter * 1000 : baseMs;
    return ms <= MAX_RETRY_WAIT_MS ? ms : undefined;
  }
  if (status === 502 || status === 503 || status === 504) return baseMs * 2 ** (attempt - 1);
  return undefined;
}

/** GitHub's maximum page size for list endpoints. */
export const PER_PAGE = 100;
/** A runaway pagination guard: 100 pages x 100 items is far past any real PR thread. */
const MAX_PAGES = 100;

/** Extracts `rel="next"` from an RFC 8288 `Link` header as GitHub sends it. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(",")) {
    const match = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
    if (match?.[2]?.split(/\s+/).includes("next")) return match[1];
  }
  return undefined;
}

function apiMessage(body: unknown): string {
  if (body && typeof body === "object" && "message" in body) {
    const { message, errors } = body as { message: unknown; errors?: unknown };
    const details = Array.isArray(errors)
      ? errors.map((e) => (e && typeof e === "object" ? JSON.stringify(e) : String(e))).join("; ")
      : "";
    return details ? `${String(message)} (${details})` : String(message);
  }
  return typeof body === "string" && body ? body.slice(0, 200) : "no message";
}

/** Maps an HTTP failure to a HarnessError whose hint names the likely fix. */
export function apiError(
  method: string,
  path: string,
  status: number,
  body: unknown,
  headers: { get(name: string): string | null },
): HarnessError {
  const what = `GitHub API ${method} ${path} -> ${status}: ${apiMessage(body)}`;
  let hint: string;
  if (status === 401) {
    hint = `the token was rejected; pass the workflow token as GITHUB_TOKEN: ${WORKFLOW_TOKEN}`;
  } else if (status === 403 && headers.get("x-ratelimit-remaining") === "0") {
    const reset = Number(headers.get("x-ratelimit-reset"));
    const at = Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000).toISOString() : "later";
    hint = `rate limit exhausted; it resets at ${at}`;
  } else if (status === 403) {
    hint =
      "the token lacks a permission: grant `pull-requests: write` (PR comments) or `issues: write` " +
      "(change-point issues) in the workflow's `permissions:`. On pull requests from forks the token " +
      "is always read-only: post from the trusted workflow_run workflow (see docs/github-actions.md)";
  } else if (status === 404) {
    hint =
      "check GITHUB_REPOSITORY and the PR/issue number; GitHub also answers 404 when the token " +
      "cannot see a private repository";
  } else if (status === 422) {
    hint = "GitHub rejected the content (see the message above)";
  } else if (status >= 500) {
    hint = "GitHub had a server error; re-run the job";
  } else {
    hint = "see the GitHub REST API docs for this status";
  }
  return new HarnessError("E_GITHUB_API", what, { hint, exitCode: EXIT.toolFailed });
}

/**
 * A minimal GitHub REST client over undici: JSON in and out, errors as HarnessError, and
 * pagination that follows `Link: rel="next"` only on the API's own origin, so the token is
 * never sent anywhere else.
 */
export class GitHubClient {
  readonly #apiUrl: string;
  readonly #origin: string;
  readonly #token: string;
  readonly #signal: AbortSignal | undefined;
  readonly #timeoutMs: number;
  readonly #attempts: number;
  readonly #retryDelayMs: number;

  constructor(options: GitHubClientOptions) {
    this.#apiUrl = options.apiUrl.replace(/\/+$/, "");
    this.#origin = new URL(this.#apiUrl).origin;
    this.#token = options.token;
    this.#signal = options.signal;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#attempts = options.attempts ?? 3;
    this.#retryDelayMs = options.retryDelayMs ?? 1000;
  }

  /** One request. `path` is relative to the API root (`/repos/...`) or an absolute API URL. */
  async request<T>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    const url = path.startsWith("http") ? path : `${this.#apiUrl}${path}`;
    if (new URL(url).origin !== this.#origin) {
      throw new HarnessError(
        "E_GITHUB_API",
        `refusing to send the token to ${new URL(url).origin}`,
        {
          hint: `only ${this.#origin} (GITHUB_API_URL) is called`,
        },
      );
    }
    // POST is not retried: a create that timed out may have happened, and a retry would add
    // the duplicate comment the marker exists to prevent.
    const attempts = method === "POST" ? 1 : this.#attempts;
    for (let attempt = 1; ; attempt++) {
      const response = await this.#send(method, url, body);
      if (response.ok) {
        return { status: response.status, data: response.data as T, next: response.next };
      }
      const wait = retryDelay(response.status, response.headers, attempt, this.#retryDelayMs);
      if (attempt >= attempts || wait === undefined) {
        const shownPath = url.slice(this.#origin.length);
        throw apiError(method, shownPath, response.status, response.data, response.headers);
      }
      await sleep(wait, undefined, this.#signal ? { signal: this.#signal } : undefined);
    }
  }

  async #send(method: string, url: string, body: unknown) {
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const signal = this.#signal ? AbortSignal.any([this.#signal, timeout]) : timeout;
    let response: Awaited<ReturnType<typeof fetch>>;
    try {
      response = await fetch(url, {
        method,
        signal,
        headers: {
          accept: "application/vnd.github+json",
          authorization: `Bearer ${this.#token}`,
          "x-github-api-version": "2022-11-28",
          "user-agent": "perfgate",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (cause) {
      const reason =
        (cause as { cause?: { code?: string } }).cause?.code ?? (cause as Error).message;
      throw new HarnessError(
        "E_GITHUB_API",
        `cannot reach the GitHub API at ${this.#origin}: ${reason}`,
        {
          hint: "check GITHUB_API_URL and the runner's network",
          cause,
        },
      );
    }
    const text = await response.text();
    let data: unknown = text;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      // Non-JSON bodies (proxies, HTML error pages) are reported as text.
    }
    const next = nextLink(response.headers.get("link"));
    return { ok: response.ok, status: response.status, headers: response.headers, data, next };
  }

  /** Every item of a list endpoint, page after page. */
  async paginate<T>(path: string): Promise<T[]> {
    const separator = path.includes("?") ? "&" : "?";
    let url: string | undefined = `${path}${separator}per_page=${PER_PAGE}`;
    const items: T[] = [];
    for (let page = 0; url !== undefined; page++) {
      if (page >= MAX_PAGES) {
        throw new HarnessError("E_GITHUB_API", `more than ${MAX_PAGES} pages at ${path}`, {
          hint: "the API kept returning rel=next; this looks like a proxy loop",
        });
      }
      const response: ApiResponse<T[]> = await this.request<T[]>("GET", url);
      if (!Array.isArray(response.data)) {
        throw new HarnessError("E_GITHUB_API", `GET ${path} did not return a list`, {
          hint: "GITHUB_API_URL must point at the REST API root",
        });
      }
      items.push(...response.data);
      url = response.next;
    }
    return items;
  }
}
