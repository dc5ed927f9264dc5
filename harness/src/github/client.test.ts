import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ApiDouble, fixture, startApiDouble } from "../../test/github-api-double.ts";
import { isHarnessError } from "../schema/index.ts";
import { GitHubClient, nextLink } from "./client.ts";
import { WORKFLOW_TOKEN } from "./context.ts";

const TOKEN = "ghs_test_token_for_the_double";
let api: ApiDouble;
let client: GitHubClient;

beforeEach(async () => {
  api = await startApiDouble({ owner: "octo-org", repo: "perf-app", token: TOKEN });
  client = new GitHubClient({ apiUrl: api.url, token: TOKEN, retryDelayMs: 1 });
});
afterEach(() => api.close());

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isHarnessError(error)) throw new Error(`expected a HarnessError, got ${String(error)}`);
  return error;
}

describe("nextLink", () => {
  it("reads rel=next from GitHub's Link header and nothing else", () => {
    const header =
      '<https://api.github.com/repositories/1/issues/42/comments?per_page=100&page=3>; rel="next", ' +
      '<https://api.github.com/repositories/1/issues/42/comments?per_page=100&page=5>; rel="last"';
    expect(nextLink(header)).toBe(
      "https://api.github.com/repositories/1/issues/42/comments?per_page=100&page=3",
    );
    expect(nextLink('<https://api.github.com/x?page=1>; rel="prev"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });
});

describe("GitHubClient", () => {
  it("follows pagination across pages of 100", async () => {
    const template = fixture("issue-comment.json");
    api.comments.set(
      42,
      Array.from({ length: 250 }, (_, i) => ({ ...template, id: i + 1 })),
    );
    const items = await client.paginate<{ id: number }>(
      "/repos/octo-org/perf-app/issues/42/comments",
    );
    expect(items.map((c) => c.id)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(api.requests.map((r) => r.path)).toEqual([
      "/repos/octo-org/perf-app/issues/42/comments?per_page=100",
      "/repos/octo-org/perf-app/issues/42/comments?per_page=100&page=2",
      "/repos/octo-org/perf-app/issues/42/comments?per_page=100&page=3",
    ]);
  });

  it("explains a 403 from a read-only (fork PR) token and names the fix", async () => {
    api.failures.push({
      method: "POST",
      path: /comments$/,
      status: 403,
      body: fixture("error-403-integration.json"),
    });
    const error = await failure(
      client.request("POST", "/repos/octo-org/perf-app/issues/42/comments", { body: "x" }),
    );
    expect(error.message).toBe(
      "GitHub API POST /repos/octo-org/perf-app/issues/42/comments -> 403: Resource not accessible by integration",
    );
    expect(error.hint).toMatch(/pull-requests: write/);
    expect(error.hint).toMatch(/forks the token is always read-only/);
    expect(error.exitCode).toBe(3);
  });

  it("tells a rate limit apart from a missing permission", async () => {
    api.failures.push({
      method: "GET",
      path: /pulls/,
      status: 403,
      body: { message: "API rate limit exceeded for installation ID 1." },
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1795000000" },
    });
    const error = await failure(client.request("GET", "/repos/octo-org/perf-app/pulls/1"));
    expect(error.hint).toBe("rate limit exhausted; it resets at 2026-11-18T11:06:40.000Z");
  });

  it("names the path of a 404 and the usual causes", async () => {
    const error = await failure(client.request("GET", "/repos/octo-org/perf-app/pulls/999"));
    expect(error.message).toBe(
      "GitHub API GET /repos/octo-org/perf-app/pulls/999 -> 404: Not Found",
    );
    expect(error.hint).toMatch(/GITHUB_REPOSITORY and the PR\/issue number/);
  });

  it("lists every validation error of a 422", async () => {
    api.failures.push({
      method: "PATCH",
      path: /comments\/\d+$/,
      status: 422,
      body: fixture("error-422.json"),
    });
    const error = await failure(
      client.request("PATCH", "/repos/octo-org/perf-app/issues/comments/1", { body: "" }),
    );
    expect(error.message).toMatch(/Validation Failed \(.*maximum is 65536 characters/);
  });

  it("reports a rejected token as 401 with the workflow expression to use", async () => {
    const wrong = new GitHubClient({ apiUrl: api.url, token: "wrong" });
    const error = await failure(wrong.request("GET", "/repos/octo-org/perf-app/pulls/42"));
    expect(error.message).toMatch(/-> 401: Bad credentials/);
    expect(error.hint).toContain(`GITHUB_TOKEN: ${WORKFLOW_TOKEN}`);
  });

  it("refuses to send the token to another origin, even when a Link header points there", async () => {
    const error = await failure(client.request("GET", "https://attacker.example/repos/x"));
    expect(error.message).toBe("refusing to send the token to https://attacker.example");
  });

  it("retries a GET through a transient 502 and a secondary rate limit", async () => {
    api.pulls.set(42, fixture("pull.json"));
    const unavailable = { message: "Server Error" };
    api.failures.push({ method: "GET", path: /pulls/, status: 502, body: unavailable, times: 1 });
    const { data } = await client.request<{ number: number }>(
      "GET",
      "/repos/octo-org/perf-app/pulls/42",
    );
    expect(data.number).toBe(42);
    api.failures.push({
      method: "GET",
      path: /pulls/,
      status: 403,
      body: { message: "You have exceeded a secondary rate limit." },
      headers: { "retry-after": "0" },
      times: 1,
    });
    await client.request("GET", "/repos/octo-org/perf-app/pulls/42");
    expect(api.requests.length).toBe(4);
  });

  it("never retries a POST, so a slow create cannot become two comments", async () => {
    api.failures.push({
      method: "POST",
      path: /comments$/,
      status: 502,
      body: { message: "Bad Gateway" },
    });
    const error = await failure(
      client.request("POST", "/repos/octo-org/perf-app/issues/42/comments", { body: "x" }),
    );
    expect(error.message).toMatch(/-> 502: Bad Gateway/);
    expect(api.requests.length).toBe(1);
  });

  it("gives up after three tries and reports the last error", async () => {
    api.failures.push({
      method: "GET",
      path: /pulls/,
      status: 503,
      body: { message: "Service Unavailable" },
    });
    const error = await failure(client.request("GET", "/repos/octo-org/perf-app/pulls/42"));
    expect(error.message).toMatch(/-> 503: Service Unavailable/);
    expect(api.requests.length).toBe(3);
  });

  it("gives a clear message when the API cannot be reached", async () => {
    const url = api.url;
    await api.close();
    api = await startApiDouble({ owner: "o", repo: "r", token: TOKEN });
    const down = new GitHubClient({ apiUrl: url, token: TOKEN });
    const error = await failure(down.request("GET", "/repos/o/r/pulls/1"));
    expect(error.message).toBe(`cannot reach the GitHub API at ${url}: ECONNREFUSED`);
  });
});
