import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ApiDouble, fixture, startApiDouble } from "../../test/github-api-double.ts";
import { GitHubClient } from "./client.ts";
import { COMMENT_MARKER, commentBody, MAX_COMMENT_CHARS, upsertStickyComment } from "./comment.ts";

const TOKEN = "ghs_comment_test";
const repo = { owner: "octo-org", repo: "perf-app" };
let api: ApiDouble;
let client: GitHubClient;

beforeEach(async () => {
  api = await startApiDouble({ ...repo, token: TOKEN });
  client = new GitHubClient({ apiUrl: api.url, token: TOKEN });
});
afterEach(() => api.close());

function seedHumanComments(count: number) {
  const template = fixture("issue-comment.json");
  api.comments.set(
    42,
    Array.from({ length: count }, (_, i) => ({
      ...template,
      id: 1000 + i,
      body: `review note ${i}`,
    })),
  );
}

describe("commentBody", () => {
  it("puts the marker first and keeps short markdown whole", () => {
    expect(commentBody("## perf\n\nall good\n\n")).toBe(`${COMMENT_MARKER}\n## perf\n\nall good\n`);
  });

  it("cuts long markdown to GitHub's limit, keeps the marker and says where the rest is", () => {
    const body = commentBody(
      "x".repeat(100_000),
      COMMENT_MARKER,
      "https://github.com/o/r/actions/runs/1",
    );
    expect(body.length).toBe(MAX_COMMENT_CHARS);
    expect(body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(body.endsWith("The full report: https://github.com/o/r/actions/runs/1\n")).toBe(true);
  });
});

describe("upsertStickyComment", () => {
  it("creates one comment, then finds it past the first page and updates it in place", async () => {
    seedHumanComments(130);
    const first = await upsertStickyComment(client, repo, 42, commentBody("round 1"));
    expect(first.action).toBe("created");
    const second = await upsertStickyComment(client, repo, 42, commentBody("round 2"));
    expect(second).toEqual({ ...first, action: "updated" });
    const marked = (api.comments.get(42) ?? []).filter((c) =>
      String(c.body).includes(COMMENT_MARKER),
    );
    expect(marked.map((c) => c.body)).toEqual([commentBody("round 2")]);
    expect(api.requests.filter((r) => r.method !== "GET").map((r) => r.method)).toEqual([
      "POST",
      "PATCH",
    ]);
  });

  it("sends nothing when the comment already says the same", async () => {
    await upsertStickyComment(client, repo, 42, commentBody("same"));
    const again = await upsertStickyComment(client, repo, 42, commentBody("same"));
    expect(again.action).toBe("unchanged");
    expect(api.requests.filter((r) => r.method !== "GET")).toHaveLength(1);
  });

  it("keeps the oldest marked comment when a race left two", async () => {
    await upsertStickyComment(client, repo, 42, commentBody("a"));
    await client.request("POST", "/repos/octo-org/perf-app/issues/42/comments", {
      body: commentBody("b"),
    });
    const [oldest] = api.comments.get(42) ?? [];
    const result = await upsertStickyComment(client, repo, 42, commentBody("c"));
    expect(result.id).toBe(oldest?.id);
  });
});
