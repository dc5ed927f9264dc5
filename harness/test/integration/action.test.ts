import { execFile, execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Checkout,
  ensureRunnerUser,
  inlineAction,
  makeCheckout,
  type RunnerUser,
  readJob,
  runJob,
} from "../workflow-runner.ts";

// The composite action (action.yml) as another repository uses it: a project with only a
// perfgate config, one k6 scenario and a workflow with `uses: perfgate/perfgate@v1`, perfgate
// installed from the packed workspace packages. Its steps run as the runner's user would.
const exec = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, "../../..");
const isRoot = process.getuid?.() === 0;
const canRun = isRoot && spawnSync("runuser", ["--version"]).status === 0;
if (!canRun) console.warn("action.test: skipped, needs root and runuser to act as the runner");
const PATH = "/usr/local/bin:/usr/bin:/bin";
const REF = "perfgate/perfgate@v1";

// The app under test is the config's start command: the project has no code of its own.
const CONFIG = {
  target: {
    start: {
      command:
        "node -e \"require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1')\"",
      readyUrl: "http://127.0.0.1:{port}/",
      env: { PORT: "{port}" },
    },
  },
  defaultProfile: "quick",
  profiles: { quick: { scenarios: ["scenarios/smoke.js"] } },
  reportsDir: "reports",
};
const SCENARIO = `import http from "k6/http";
export const options = { vus: 2, duration: "2s" };
export default function () {
  http.get(__ENV.BASE_URL + "/");
}
`;
const WORKFLOW = `name: perf
on:
  pull_request:
  push:
    branches: [main]
permissions:
  contents: read
jobs:
  compare:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
          persist-credentials: false
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
      - uses: ${REF}
        with:
          suites: load
          blocks: 3
          comment: "off"
  record:
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    permissions:
      contents: write
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
      - uses: ${REF}
        with:
          mode: record
          suites: load
`;

let work: string;
let project: string;
let user: RunnerUser;
let checkout: Checkout;
const git = (cwd: string, ...args: string[]) =>
  execFileSync(
    "git",
    ["-c", "safe.directory=*", "-c", "user.name=t", "-c", "user.email=t@t", ...args],
    {
      cwd,
      encoding: "utf8",
    },
  ).trim();

beforeAll(async () => {
  if (!canRun) return;
  work = await mkdtemp(path.join(os.tmpdir(), "perfgate-action-"));
  // The runner's user reaches the installed packages through links into this folder.
  chmodSync(work, 0o755);
  project = path.join(work, "project");
  const packed = await exec(
    "npm",
    [
      "pack",
      "--workspace",
      "engine",
      "--workspace",
      "harness",
      "--pack-destination",
      work,
      "--json",
    ],
    { cwd: REPO, maxBuffer: 32 << 20, timeout: 300_000 },
  );
  const tarballs = (JSON.parse(packed.stdout) as { filename: string }[]).map((p) =>
    path.join(work, p.filename),
  );
  mkdirSync(path.join(project, "scenarios"), { recursive: true });
  mkdirSync(path.join(project, ".github/workflows"), { recursive: true });
  writeFileSync(
    path.join(project, "package.json"),
    `${JSON.stringify({ name: "scratch", private: true }, null, 2)}\n`,
  );
  writeFileSync(path.join(project, ".gitignore"), "node_modules/\n.perf/\n");
  writeFileSync(path.join(project, "perfgate.config.json"), `${JSON.stringify(CONFIG, null, 2)}\n`);
  writeFileSync(path.join(project, "scenarios/smoke.js"), SCENARIO);
  writeFileSync(path.join(project, ".github/workflows/perf.yml"), WORKFLOW);
  await exec(
    "npm",
    ["install", "--save-dev", "--no-audit", "--no-fund", "--prefer-offline", ...tarballs],
    { cwd: project, maxBuffer: 32 << 20, timeout: 300_000 },
  );
  git(project, "init", "--quiet", "--initial-branch=main");
  git(project, "add", ".");
  git(project, "commit", "--quiet", "-m", "scratch project");
  writeFileSync(path.join(project, "scenarios/smoke.js"), SCENARIO.replace('"2s"', '"3s"'));
  git(project, "commit", "--quiet", "-am", "a longer smoke");
  user = ensureRunnerUser();
  checkout = await makeCheckout(project, user);
}, 600_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
  if (checkout) rmSync(checkout.root, { recursive: true, force: true });
});

const skipNpmCi = (run: string) => (run.startsWith("npm ci") ? null : undefined);

describe.skipIf(!canRun)("the composite action from a scratch repository", () => {
  it("holds only a config, a scenario and the action reference (and perfgate installed)", () => {
    expect(git(project, "ls-files").split("\n")).toEqual([
      ".github/workflows/perf.yml",
      ".gitignore",
      "package-lock.json",
      "package.json",
      "perfgate.config.json",
      "scenarios/smoke.js",
    ]);
  });

  it("mode record: perfgate load into the history branch; main stays where it was", {
    timeout: 600_000,
  }, async () => {
    const main = git(checkout.origin, "rev-parse", "main");
    const values = { "github.sha": main, "github.token": "", "runner.temp": checkout.temp };
    const { job, inputs } = inlineAction(
      readJob(path.join(project, ".github/workflows/perf.yml"), "record"),
      REF,
      path.join(REPO, "action.yml"),
      values,
    );
    expect(inputs["inputs.history-branch"]).toBe("perfgate-history");
    const result = await runJob(job, {
      checkout,
      user,
      path: PATH,
      expressions: { ...values, ...inputs },
      substitute: skipNpmCi,
    });
    const outputs = result.steps.map((s) => `${s.name}: ${s.output}`).join("\n");
    expect(
      result.steps.map((s) => `${s.name}: ${s.code}`),
      outputs,
    ).toEqual([
      "Find the installed perfgate: 0",
      "Restore the history branch: 0",
      "Record every suite: 0",
      "Commit the history: 0",
    ]);
    expect(git(checkout.origin, "rev-parse", "main")).toBe(main);
    const files = git(checkout.origin, "ls-tree", "-r", "--name-only", "perfgate-history");
    const runFile = files.split("\n").find((f) => /^runs\/[^/]+\/run\.json$/.test(f));
    expect(files).toMatch(/^index\.html$/m);
    const run = JSON.parse(git(checkout.origin, "show", `perfgate-history:${runFile}`)) as {
      suites: { kind: string; id: string; status: string }[];
    };
    expect(run.suites.map((s) => `${s.kind}:${s.id}:${s.status}`)).toEqual(["load:smoke:ok"]);
  });

  it("mode compare: perfgate compare against the base, then the job summary", {
    timeout: 900_000,
  }, async () => {
    const base = git(checkout.origin, "rev-parse", "main~1");
    const values = {
      "github.sha": git(checkout.origin, "rev-parse", "main"),
      "github.token": "",
      "runner.temp": checkout.temp,
      "github.event.pull_request.base.sha": base,
    };
    const { job, inputs } = inlineAction(
      readJob(path.join(project, ".github/workflows/perf.yml"), "compare"),
      REF,
      path.join(REPO, "action.yml"),
      values,
    );
    const result = await runJob(job, {
      checkout,
      user,
      path: PATH,
      expressions: { ...values, ...inputs },
      env: { GITHUB_REPOSITORY: "someone/scratch" },
      substitute: skipNpmCi,
    });
    const byName = Object.fromEntries(result.steps.map((s) => [s.name, s]));
    const outputs = result.steps.map((s) => `${s.name}: ${s.output}`).join("\n");
    expect(byName["Find the installed perfgate"]?.code, outputs).toBe(0);
    // 0: no regression, 1: a confirmed one; either way a comparison was made and published.
    expect([0, 1], byName.Compare?.output).toContain(byName.Compare?.code);
    expect(byName.Compare?.output).toContain(base.slice(0, 7));
    expect(byName["Job summary, annotations and comment"]?.code).toBe(0);
    const summary = readFileSync(path.join(checkout.temp, "summary.md"), "utf8");
    expect(summary).toMatch(/load/);
    expect(result.artifacts.map((a) => a.name)).toEqual([]);
  });
});
