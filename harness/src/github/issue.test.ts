import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ApiDouble, fixture, startApiDouble } from "../../test/github-api-double.ts";
import { GitHubClient } from "./client.ts";
import { issueMarker, upsertIssue } from "./issue.ts";

const TOKEN = "ghs_issue_test";
const repo = { owner: "octo-org", repo: "perf-app" };
let api: ApiDouble;
let client: GitHubClient;

beforeEach(async () => {
  api = await startApiDouble({ ...repo, token: TOKEN });
  client = new GitHubClient({ apiUrl: api.url, token: TOKEN });
  api.issues.push(fixture("issue.json"));
});
afterEach(() => api.close());

const issue = (markdown: string) => ({
  key: "commit-abc0019",
  title: "perfgate: performance level shift on main at abc0019",
  markdown,
  labels: ["performance"],
});

describe("upsertIssue", () => {
  it("creates a labelled issue, then edits it, listing only issues with that label", async () => {
    const created = await upsertIssue(client, repo, issue("+9.8%"), true);
    expect(created.action).toBe("created");
    expect(api.issues.at(-1)?.labels).toEqual([{ name: "performance" }]);
    const updated = await upsertIssue(client, repo, issue("+10.4%"), true);
    expect(updated).toEqual({ ...created, action: "updated" });
    expect(api.issues.at(-1)?.body).toBe(`${issueMarker("commit-abc0019")}\n+10.4%\n`);
    expect(api.requests[0]?.path).toBe(
      "/repos/octo-org/perf-app/issues?state=all&labels=performance&per_page=100",
    );
  });

  it("leaves an issue a maintainer closed alone instead of opening it again", async () => {
    await upsertIssue(client, repo, issue("+9.8%"), true);
    Object.assign(api.issues.at(-1) ?? {}, { state: "closed" });
    const again = await upsertIssue(client, repo, issue("+10.4%"), true);
    expect(again.action).toBe("closed");
    expect(api.issues).toHaveLength(2);
    expect(api.requests.filter((r) => r.method !== "GET")).toHaveLength(1);
  });
});
