import { execFileSync, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Checkout,
  ensureRunnerUser,
  makeCheckout,
  type RunnerUser,
  readJob,
  runJob,
} from "../workflow-runner.ts";

// The workflows' real steps, run as GitHub runs them: by an unprivileged user with passwordless
// sudo who owns the checkout, with the job's env, on a PATH without /usr/sbin (so no varnishd).
// Making that user and handing it a checkout takes root.
const root = path.resolve(import.meta.dirname, "../../..");
const workflows = path.join(root, ".github/workflows");
const isRoot = process.getuid?.() === 0;
const hasRunuser = spawnSync("runuser", ["--version"]).status === 0;
const canRun = isRoot && hasRunuser;
if (!canRun) console.warn("workflows.test: skipped, needs root and runuser to act as the runner");
const PATH = "/usr/local/bin:/usr/bin:/bin";

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "safe.directory=*", ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null" },
  }).trim();

/**
 * The runner's user and a checkout of its own for one describe block (a job's steps change it),
 * made before the block's tests and removed after them.
 */
function withRunnerCheckout(): { user: RunnerUser; checkout: Checkout } {
  const runner = {} as { user: RunnerUser; checkout: Checkout };
  beforeAll(async () => {
    runner.user = ensureRunnerUser();
    runner.checkout = await makeCheckout(root, runner.user);
  }, 120_000);
  afterAll(() => {
    if (runner.checkout) rmSync(runner.checkout.root, { recursive: true, force: true });
  });
  return runner;
}

describe.skipIf(!canRun)("the workflows' steps on a runner-like machine", () => {
  const runner = withRunnerCheckout();

  it("ci / test passes; the CDN test skips naming varnishd, Redis and Postgres run", {
    timeout: 600_000,
  }, async () => {
    const { user, checkout } = runner;
    const job = readJob(path.join(workflows, "ci.yml"), "test");
    const result = await runJob(job, {
      checkout,
      user,
      path: PATH,
      expressions: {},
      // npm ci: node_modules is the source's. lint and npm test: their parts this job's setup
      // decides (actionlint; the suites gated on system binaries), not the whole suite again.
      substitute: (run) =>
        run.startsWith("npm ci")
          ? null
          : run === "npm run lint"
            ? "npm run lint:actions"
            : run === "npm test"
              ? "npx vitest run app/server/src/routes/cdn-purge.test.ts harness/src/runners/redis.test.ts"
              : undefined,
    });
    const failed = result.steps.filter((s) => s.code !== 0);
    expect(failed.map((s) => `${s.name}: ${s.output}`)).toEqual([]);
    expect(result.steps.map((s) => s.name)).toEqual([
      "System packages",
      "Throwaway PostgreSQL for the DATABASE_URL test",
      "npm run lint",
      "npm run typecheck",
      "npm test",
    ]);
    const tests = stripVTControlCharacters(result.steps.at(-1)?.output ?? "");
    expect(tests).toContain("cdn-purge.test: skipped, varnishd is not on PATH");
    expect(tests).toMatch(/redis\.test\.ts \(\d+ tests?\)/);
    expect(tests).not.toMatch(/\bfailed\b/);
    // The Postgres step left a database the runner's user reaches with the exported URL.
    const url = /PERFGATE_TEST_DATABASE_URL=(\S+)/.exec(result.steps[1]?.output ?? "")?.[1];
    expect(url).toBeDefined();
    const psql = spawnSync("psql", [url as string, "-tAc", "select 1"], { encoding: "utf8" });
    expect(psql.stdout.trim(), psql.stderr).toBe("1");
  });

  it("git refuses the runner's checkout to a root step, and perfgate says git's reason", () => {
    const { checkout } = runner;
    const run = spawnSync(
      "node",
      [path.join(root, "harness/bin/perfgate.mjs"), "compare", "--base", "HEAD~1"],
      {
        cwd: checkout.workspace,
        encoding: "utf8",
        env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", CI: "true" },
        timeout: 120_000,
      },
    );
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/detected dubious ownership in repository/);
    expect(run.stderr).toMatch(/safe\.directory/);
    expect(run.stderr).not.toMatch(/is not a commit in this repository|fetch-depth/);
  });

  it("perf / changes runs compare only when perf paths changed or the perf-run label is set", async () => {
    const { user, checkout } = runner;
    const job = readJob(path.join(workflows, "perf.yml"), "changes");
    const head = git(checkout.workspace, "rev-parse", "HEAD");
    const decide = async (base: string, labeled: boolean) => {
      const result = await runJob(job, {
        checkout,
        user,
        path: PATH,
        expressions: {
          "vars.PERFGATE_HISTORY_BRANCH": "",
          "github.event.pull_request.base.sha": base,
          "contains(github.event.pull_request.labels.*.name, 'perf-run')": String(labeled),
        },
      });
      expect(result.steps.every((s) => s.code === 0)).toBe(true);
      const outputs = result.outputs.trim().split("\n");
      rmSync(path.join(checkout.temp, "output"), { force: true });
      return outputs.at(-1);
    };
    expect(await decide(head, false)).toBe("run=false");
    expect(await decide(head, true)).toBe("run=true");
    // The checkout's first commit differs from HEAD in app/ and harness/.
    const first = git(checkout.workspace, "rev-list", "--max-parents=0", "HEAD");
    expect(await decide(first, false)).toBe("run=true");
  }, 120_000);
});

describe("perf / compare uploads what a reviewer reads, never the seeded database", () => {
  it("lists the comparison and the comment bundle only", () => {
    const job = readJob(path.join(workflows, "perf.yml"), "compare");
    const uploads = job.steps
      .filter((s) => s.uses?.startsWith("actions/upload-artifact"))
      .map((s) => String(s.with?.path).trim().split("\n"));
    expect(uploads).toEqual([[".perf/github/comment/"], [".perf/compare/", ".perf/github/"]]);
    for (const paths of uploads) {
      for (const p of paths) {
        expect(p).not.toMatch(/app-db|^\.perf\/?$|\*\*/);
      }
    }
    const cached = job.steps.filter((s) => s.uses?.startsWith("actions/cache"));
    expect(cached.map((s) => s.with?.path)).toEqual(["~/.cache/perfgate-apt", ".perf/app-db"]);
  });
});

describe.skipIf(!canRun)("perf / record on a runner-like machine", () => {
  const runner = withRunnerCheckout();

  it("records load, endpoints, microbench and Lighthouse on every page in one run, on the history branch", {
    timeout: 1_200_000,
  }, async () => {
    const { user, checkout } = runner;
    const job = readJob(path.join(workflows, "perf.yml"), "record");
    const mainBefore = git(checkout.origin, "rev-parse", "main");
    const head = git(checkout.workspace, "rev-parse", "HEAD");
    const result = await runJob(job, {
      checkout,
      user,
      path: PATH,
      expressions: {
        "vars.PERFGATE_HISTORY_BRANCH": "perfgate-history",
        "env.PERFGATE_HISTORY_BRANCH != ''": "true",
        "!cancelled()": "true",
        "github.token": "",
        "github.sha": head,
      },
      env: { GITHUB_REPOSITORY: "perfgate/perfgate", GITHUB_REF_NAME: "main" },
      // Bounded: one microbench suite in one process per case, 1 s endpoint passes, a 2 s
      // smoke; the change-point issue as a dry run (no GitHub here).
      substitute: (run) =>
        run.startsWith("npm ci")
          ? null
          : run.startsWith("npm run load")
            ? `${run} --bench-suite pool --bench-processes 1 --endpoint-seconds 1 -e SMOKE_DURATION=2s`
            : run === "npx perfgate github changepoint-issue"
              ? `${run} --dry-run`
              : undefined,
    });
    const byName = Object.fromEntries(result.steps.map((s) => [s.name, s]));
    const report = (name: string) => `${name}: ${byName[name]?.output ?? "(not run)"}`;
    for (const name of [
      "Restore the history branch into reports/",
      "npm run report",
      "Commit the run and trend pages",
    ]) {
      expect(byName[name]?.code, report(name)).toBe(0);
    }
    // The history branch holds the run, at its root; main did not move.
    expect(git(checkout.origin, "rev-parse", "main")).toBe(mainBefore);
    expect(git(checkout.workspace, "rev-parse", "HEAD")).toBe(head);
    const files = git(checkout.origin, "ls-tree", "-r", "--name-only", "perfgate-history");
    expect(files).toMatch(/^index\.html$/m);
    expect(files).toMatch(/^TRENDS\.md$/m);
    const newest = files
      .split("\n")
      .filter((f) => /^runs\/[^/]+\/run\.json$/.test(f))
      .sort()
      .at(-1) as string;
    const run = JSON.parse(git(checkout.origin, "show", `perfgate-history:${newest}`)) as {
      git: { sha: string };
      suites: { kind: string; id: string; status: string }[];
    };
    expect(run.git.sha).toBe(head);
    const suites = run.suites.map((s) => `${s.kind}:${s.id}:${s.status}`);
    expect(suites).toEqual(
      expect.arrayContaining([
        "load:smoke:ok",
        "endpoint:products-list:ok",
        "microbench:pool:ok",
        "lighthouse:home:ok",
        "lighthouse:search:ok",
        "lighthouse:dashboard:ok",
      ]),
    );
    const trends = git(checkout.origin, "show", "perfgate-history:TRENDS.md");
    for (const heading of [
      "## load · smoke",
      "## microbench · pool",
      "## lighthouse · dashboard",
    ]) {
      expect(trends).toContain(heading);
    }
    expect(git(checkout.origin, "show", "perfgate-history:index.html")).toContain("pool");
    // The reviewer's Lighthouse HTML is what the job uploads; hidden .lighthouseci included.
    expect(result.artifacts.map((a) => a.paths)).toContainEqual([
      ".perf/*/raw/lighthouse/.lighthouseci/*.html",
    ]);
  });
});
