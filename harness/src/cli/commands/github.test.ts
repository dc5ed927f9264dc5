import { execFile } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeRuns } from "../../../test/fixtures/trends/make-runs.ts";
import { type ApiDouble, fixture, startApiDouble } from "../../../test/github-api-double.ts";
import { COMMENT_MARKER } from "../../github/comment.ts";
import { writeRun } from "../../history/run-store.ts";

// The PR path end to end: the real `perfgate` bin in a child process, a fake GITHUB_EVENT_PATH
// and GITHUB_STEP_SUMMARY, and the local double of the GitHub API behind GITHUB_API_URL.
const BIN = fileURLToPath(new URL("../../../bin/perfgate.mjs", import.meta.url));
const FIXTURES = fileURLToPath(new URL("../../../test/fixtures/github/", import.meta.url));
const TOKEN = "ghs_e2e_token_never_printed";

let api: ApiDouble;
let dir: string;

beforeEach(async () => {
  api = await startApiDouble({ owner: "octo-org", repo: "perf-app", token: TOKEN });
  api.pulls.set(42, fixture("pull.json"));
  // A long review thread: the sticky comment lands past the first page of 100.
  const human = fixture("issue-comment.json");
  api.comments.set(
    42,
    Array.from({ length: 120 }, (_, i) => ({ ...human, id: 10 + i })),
  );
  dir = mkdtempSync(join(tmpdir(), "perfgate-github-"));
  cpSync(FIXTURES, dir, { recursive: true });
  writeFileSync(
    join(dir, "comparison.md"),
    "## perfgate: base vs head\n\n| metric | Δ |\n|---|---|\n| p95 | +14.2% |\n",
  );
});
afterEach(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

function perfgate(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [BIN, "github", ...args],
      {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? "",
          GITHUB_ACTIONS: "true",
          GITHUB_REPOSITORY: "octo-org/perf-app",
          GITHUB_API_URL: api.url,
          GITHUB_SERVER_URL: "https://github.com",
          GITHUB_RUN_ID: "11924567890",
          GITHUB_TOKEN: TOKEN,
          ...env,
        },
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const prEnv = () => ({
  GITHUB_EVENT_NAME: "pull_request",
  GITHUB_EVENT_PATH: join(dir, "event-pull_request.json"),
  GITHUB_STEP_SUMMARY: join(dir, "step-summary.md"),
});
const marked = () =>
  (api.comments.get(42) ?? []).filter((c) => String(c.body).includes(COMMENT_MARKER));
const writes = () => api.requests.filter((r) => r.method !== "GET");

describe("perfgate github publish (pull_request)", () => {
  it("writes the summary and one sticky comment, and a re-run updates that comment", async () => {
    // The layout npm run compare leaves: .perf/<id>/comparison.{md,json}; the newest one wins.
    const older = join(dir, ".perf/20261120T091500Z_0d1a26e");
    const newer = join(dir, ".perf/20261120T092000Z_6dcb09b");
    mkdirSync(older, { recursive: true });
    writeFileSync(join(older, "comparison.json"), JSON.stringify({ verdicts: [] }));
    utimesSync(join(older, "comparison.json"), new Date(2026, 0, 1), new Date(2026, 0, 1));
    mkdirSync(newer, { recursive: true });
    const verdicts = JSON.parse(readFileSync(join(dir, "verdicts.json"), "utf8"));
    writeFileSync(join(newer, "comparison.json"), JSON.stringify({ base: "0d1a26e", verdicts }));
    const writeMarkdown = (text: string) => writeFileSync(join(newer, "comparison.md"), text);
    writeMarkdown(readFileSync(join(dir, "comparison.md"), "utf8"));
    const args = ["publish", "--compare-dir", ".perf", "--comment", "direct"];
    const first = await perfgate(args, prEnv());
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(readFileSync(join(dir, "step-summary.md"), "utf8")).toContain("| p95 | +14.2% |");
    expect(first.stdout).toContain(
      "::error title=perfgate::1 failing metric(s): load/browse/http_req_duration.p95",
    );
    expect(marked()).toHaveLength(1);
    expect(String(marked()[0]?.body)).toContain("| p95 | +14.2% |");

    writeMarkdown("## perfgate: base vs head\n\nno change\n");
    const second = await perfgate(args, prEnv());
    expect(second.code).toBe(0);
    expect(marked()).toHaveLength(1);
    expect(String(marked()[0]?.body)).toContain("no change");
    expect(writes().map((r) => r.method)).toEqual(["POST", "PATCH"]);
    expect(second.stdout).toMatch(
      /updated comment https:\/\/github.com\/octo-org\/perf-app\/pull\/42#issuecomment-/,
    );
    expect(first.stdout + second.stdout + first.stderr + second.stderr).not.toContain(TOKEN);
  });

  it("hands off to the trusted workflow_run job, which posts after checking the bundle", async () => {
    const untrusted = await perfgate(
      ["publish", "--markdown", "comparison.md", "--comment", "bundle", "--bundle-dir", "bundle"],
      { ...prEnv(), GITHUB_TOKEN: "" },
    );
    expect(untrusted.code).toBe(0);
    expect(api.requests).toEqual([]);

    const runEnv = {
      GITHUB_EVENT_NAME: "workflow_run",
      GITHUB_EVENT_PATH: join(dir, "event-workflow_run.json"),
    };
    const trusted = await perfgate(["comment", "--bundle", "bundle"], runEnv);
    expect(trusted.stderr).toBe("");
    expect(marked()).toHaveLength(1);
    expect(api.requests[0]?.path).toBe("/repos/octo-org/perf-app/pulls/42");

    // A bundle pointing at another PR than the run's head is refused before anything is sent.
    const meta = JSON.parse(readFileSync(join(dir, "bundle/pr.json"), "utf8"));
    writeFileSync(
      join(dir, "bundle/pr.json"),
      JSON.stringify({ ...meta, headSha: "f".repeat(40) }),
    );
    const before = api.requests.length;
    const tampered = await perfgate(["comment", "--bundle", "bundle"], runEnv);
    expect(tampered.code).toBe(4);
    expect(tampered.stderr).toMatch(
      /does not match the triggering run: head f{40} != workflow_run.head_sha 6dcb09b/,
    );
    expect(api.requests.length).toBe(before);
  });

  it("posts nothing, and says why, when the PR run left no bundle", async () => {
    const runEnv = { GITHUB_EVENT_PATH: join(dir, "event-workflow_run.json") };
    const result = await perfgate(["comment", "--bundle", "missing"], runEnv);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "the triggering run 11924567890 (failure) stopped before publishing, nothing to post",
    );
    expect(api.requests).toEqual([]);
  });

  it("explains a 403 on a fork PR's read-only token instead of crashing", async () => {
    api.failures.push({
      method: "POST",
      path: /comments$/,
      status: 403,
      body: fixture("error-403-integration.json"),
    });
    const result = await perfgate(
      ["publish", "--markdown", "comparison.md", "--comment", "direct"],
      prEnv(),
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      "error[E_GITHUB_API]: GitHub API POST /repos/octo-org/perf-app/issues/42/comments -> 403: Resource not accessible by integration",
    );
    expect(result.stderr).toContain("post from the trusted workflow_run workflow");
    expect(result.stderr).not.toContain("    at ");
  });

  it("explains a 404 for a PR the token cannot see", async () => {
    api.failures.push({
      method: "GET",
      path: /comments$/,
      status: 404,
      body: fixture("error-404.json"),
    });
    const result = await perfgate(
      ["publish", "--markdown", "comparison.md", "--comment", "direct", "--pr", "7"],
      prEnv(),
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      "GET /repos/octo-org/perf-app/issues/7/comments?per_page=100 -> 404: Not Found",
    );
  });

  it("--dry-run prints what it would post and sends nothing", async () => {
    const result = await perfgate(
      ["publish", "--markdown", "comparison.md", "--comment", "direct", "--dry-run"],
      { ...prEnv(), GITHUB_TOKEN: "" },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `[dry-run] would create or update the comment marked ${COMMENT_MARKER} on octo-org/perf-app#42:\n${COMMENT_MARKER}\n## perfgate: base vs head`,
    );
    expect(result.stdout).toContain(`[dry-run] would append to ${join(dir, "step-summary.md")}`);
    expect(api.requests).toEqual([]);
  });

  it("rejects a verdicts file that is not verdicts, naming the field", async () => {
    writeFileSync(
      join(dir, "bad.json"),
      JSON.stringify([{ suite: "s", metric: "m", level: "fatal" }]),
    );
    const result = await perfgate(
      ["publish", "--markdown", "comparison.md", "--verdicts", "bad.json"],
      prEnv(),
    );
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/--verdicts .*bad.json holds no valid verdicts: .*level/);
  });
});

describe("perfgate github changepoint-issue", () => {
  it("opens one issue for a change point and updates it on the next run", async () => {
    api.issues.push(fixture("issue.json"));
    writeFileSync(join(dir, "cp.md"), "Level shift +9.8% in load/browse p95 starting at abc1234\n");
    const first = await perfgate(["changepoint-issue", "--markdown", "cp.md"], {});
    expect(first.stderr).toBe("");
    expect(first.stdout).toMatch(/created issue #101/);
    writeFileSync(
      join(dir, "cp.md"),
      "Level shift +10.4% in load/browse p95 starting at abc1234\n",
    );
    const second = await perfgate(["changepoint-issue", "--markdown", "cp.md"], {});
    expect(second.stdout).toMatch(/updated issue #101/);
    const ours = api.issues.filter((i) => String(i.body).includes("perfgate:changepoint:main"));
    expect(ours).toHaveLength(1);
    expect(String(ours[0]?.body)).toContain("+10.4%");
  });

  it("--dry-run prints the issue it would open and sends nothing", async () => {
    writeFileSync(join(dir, "cp.md"), "Level shift +9.8% at abc1234\n");
    const result = await perfgate(["changepoint-issue", "--markdown", "cp.md", "--dry-run"], {
      GITHUB_TOKEN: "",
    });
    expect(result.stdout).toBe(
      "[dry-run] would open or update the issue marked <!-- perfgate:changepoint:main --> in " +
        "octo-org/perf-app: perfgate: performance change point on main:\n" +
        "Level shift +9.8% at abc1234\n[dry-run] end\n",
    );
    expect(api.requests).toEqual([]);
  });

  it("opens one issue per commit with a worse level shift in the committed runs", async () => {
    for (const run of makeRuns(40, 25)) await writeRun(join(dir, "reports"), run, "# run\n");
    const first = await perfgate(["changepoint-issue"], {});
    expect(first.stderr).toBe("");
    expect(first.stdout).toMatch(/^perfgate: created issue #100 /);
    const [opened] = api.issues;
    expect(opened?.title).toBe("perfgate: performance level shift on main at abc0019");
    expect(String(opened?.body)).toContain(
      "Trends: https://github.com/octo-org/perf-app/blob/HEAD/reports/TRENDS.md · Found by: https://github.com/octo-org/perf-app/actions/runs/11924567890",
    );
    const second = await perfgate(["changepoint-issue"], {});
    expect(second.stdout).toMatch(/^perfgate: unchanged issue #100 /);
  });

  it("does nothing when the report found no change point", async () => {
    const result = await perfgate(["changepoint-issue", "--markdown", "absent.md"], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("perfgate: no change points; no issue opened");
    expect(api.requests).toEqual([]);
  });
});
