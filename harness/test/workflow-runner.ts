import { execFileSync, spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { evaluate, stepRuns } from "./workflow-expressions.ts";

/**
 * A small stand-in for a GitHub-hosted runner, for tests: a checkout owned by an unprivileged
 * user with passwordless sudo (as `runner` is), the workflow's and job's `env`, and each
 * `run:` step as GitHub runs it (`bash --noprofile --norc -eo pipefail`, GITHUB_ENV,
 * GITHUB_OUTPUT, GITHUB_PATH and GITHUB_STEP_SUMMARY files read back between steps). `uses:`
 * steps are not run: checkout is the clone made here, setup-node is the machine's node, cache
 * is a no-op, and upload-artifact steps are collected so a test can check what they upload.
 */
export interface Step {
  name?: string;
  id?: string;
  if?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string | number | boolean>;
  shell?: string;
  "working-directory"?: string;
}

export interface Job {
  env: Record<string, string>;
  steps: Step[];
}

/** Workflow env merged with the job's (the job's wins), and its steps. */
export function readJob(file: string, jobId: string): Job {
  const workflow = parse(readFileSync(file, "utf8")) as {
    env?: Record<string, string>;
    jobs: Record<string, { env?: Record<string, string>; steps: Step[] }>;
  };
  const job = workflow.jobs[jobId];
  if (!job) throw new Error(`${file} has no job ${jobId}`);
  return { env: { ...workflow.env, ...job.env }, steps: job.steps };
}

/**
 * The job with its `uses: <ref>` step replaced by the composite action's steps, as the runner
 * expands it, and the `inputs.*` values: the step's `with:` over the action's defaults.
 */
export function inlineAction(
  job: Job,
  ref: string,
  actionFile: string,
  values: Record<string, string>,
): { job: Job; inputs: Record<string, string> } {
  const action = parse(readFileSync(actionFile, "utf8")) as {
    inputs: Record<string, { default?: string }>;
    runs: { steps: Step[] };
  };
  const index = job.steps.findIndex((step) => step.uses === ref);
  const step = job.steps[index];
  if (!step) throw new Error(`the job has no step uses: ${ref}`);
  const inputs: Record<string, string> = {};
  for (const [name, input] of Object.entries(action.inputs)) {
    const given = step.with?.[name];
    inputs[`inputs.${name}`] =
      given === undefined ? expand(String(input.default ?? ""), values) : String(given);
  }
  const steps = [...job.steps.slice(0, index), ...action.runs.steps, ...job.steps.slice(index + 1)];
  return { job: { ...job, steps }, inputs };
}

/** Replaces each `${{ expr }}` by its value (see workflow-expressions.ts). */
export function expand(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expr: string) =>
    evaluate(expr, { values, failed: false }),
  );
}

export interface RunnerUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** An unprivileged user with passwordless sudo, as GitHub's `runner` account is. */
export function ensureRunnerUser(name = "perfgate-runner"): RunnerUser {
  const exists = (() => {
    try {
      execFileSync("id", ["-u", name], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  })();
  if (!exists) execFileSync("useradd", ["--create-home", "--shell", "/bin/bash", name]);
  if (existsSync("/etc/sudoers.d")) {
    writeFileSync(`/etc/sudoers.d/${name}`, `${name} ALL=(ALL) NOPASSWD:ALL\n`, { mode: 0o440 });
  }
  const uid = Number(execFileSync("id", ["-u", name]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", name]).toString().trim());
  return { name, uid, gid, home: `/home/${name}` };
}

export interface Checkout {
  /** The job's workspace (GITHUB_WORKSPACE). */
  workspace: string;
  /** A bare repository standing in for the GitHub remote (`origin`). */
  origin: string;
  /** RUNNER_TEMP. */
  temp: string;
  root: string;
}

/**
 * origin.git (a bare copy of `source`'s HEAD, as branch `main`) and a clone of it, with the
 * source's uncommitted changes laid over the clone so the test measures the tree under review;
 * node_modules is the source's (npm ci is the one step a test does not repeat). Everything is
 * then handed to `owner`.
 */
export async function makeCheckout(source: string, owner: RunnerUser): Promise<Checkout> {
  const root = await mkdtemp(path.join(os.tmpdir(), "perfgate-gha-"));
  const origin = path.join(root, "origin.git");
  const workspace = path.join(root, "work", "repo");
  const temp = path.join(root, "temp");
  mkdirSync(temp, { recursive: true });
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", args, { cwd, stdio: ["ignore", "pipe", "pipe"] }).toString();
  git(root, "init", "--quiet", "--bare", "--initial-branch=main", origin);
  git(source, "push", "--quiet", origin, "HEAD:refs/heads/main");
  git(root, "clone", "--quiet", "--no-hardlinks", "--branch", "main", origin, workspace);
  const changed = git(source, "diff", "--name-only", "HEAD").split("\n").filter(Boolean);
  const untracked = git(source, "ls-files", "--others", "--exclude-standard").split("\n");
  for (const file of [...changed, ...untracked.filter(Boolean)]) {
    const from = path.join(source, file);
    if (!existsSync(from)) continue;
    mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true });
    writeFileSync(path.join(workspace, file), readFileSync(from));
  }
  // Each package linked, the folder itself the owner's: tools write caches there (.vite-temp).
  const modules = path.join(workspace, "node_modules");
  mkdirSync(modules);
  for (const entry of readdirSync(path.join(source, "node_modules"))) {
    if (entry.startsWith(".vite")) continue;
    symlinkSync(path.join(source, "node_modules", entry), path.join(modules, entry));
  }
  execFileSync("chown", ["-R", `${owner.uid}:${owner.gid}`, root]);
  return { workspace, origin, temp, root };
}

export interface StepResult {
  name: string;
  command: string;
  code: number;
  output: string;
}

export interface RunJobOptions {
  checkout: Checkout;
  user: RunnerUser;
  /** PATH of the steps (GitHub's runner has /usr/sbin; a test may leave a binary out). */
  path: string;
  /** Values of the `${{ }}` expressions the steps use. */
  expressions: Record<string, string>;
  /** A replacement command for a step (bounded versions of heavy ones); null skips it. */
  substitute?: (run: string) => string | null | undefined;
  /** Extra environment for every step (GITHUB_REPOSITORY...). */
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface JobResult {
  steps: StepResult[];
  /** upload-artifact steps: name and the paths they upload. */
  artifacts: { name: string; paths: string[]; includeHidden: boolean }[];
  outputs: string;
}

function readKeyValues(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  const values: Record<string, string> = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) values[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return values;
}

function runAs(user: RunnerUser, cwd: string, env: Record<string, string>, script: string) {
  return new Promise<{ code: number; output: string }>((resolve) => {
    const assignments = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    const child = spawn(
      "runuser",
      [
        "-u",
        user.name,
        "--",
        "env",
        "-i",
        ...assignments,
        "bash",
        "--noprofile",
        "--norc",
        "-eo",
        "pipefail",
        script,
      ],
      { cwd, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

/**
 * Runs a job's `run:` steps in order, as its owner; after a failure only the steps guarded by
 * `!cancelled()` or `always()` run, as on GitHub.
 */
export async function runJob(job: Job, options: RunJobOptions): Promise<JobResult> {
  const { checkout, user } = options;
  const files = {
    GITHUB_ENV: path.join(checkout.temp, "env"),
    GITHUB_OUTPUT: path.join(checkout.temp, "output"),
    GITHUB_PATH: path.join(checkout.temp, "path"),
    GITHUB_STEP_SUMMARY: path.join(checkout.temp, "summary.md"),
  };
  const base: Record<string, string> = {
    HOME: user.home,
    USER: user.name,
    GITHUB_ACTIONS: "true",
    GITHUB_WORKSPACE: checkout.workspace,
    RUNNER_TEMP: checkout.temp,
    RUNNER_OS: "Linux",
    ...files,
    ...options.env,
  };
  const values = { ...options.expressions };
  const jobEnv = Object.fromEntries(
    Object.entries(job.env).map(([k, v]) => [k, expand(String(v), values)]),
  );
  for (const [k, v] of Object.entries(jobEnv)) values[`env.${k}`] = v;
  const result: JobResult = { steps: [], artifacts: [], outputs: "" };
  let failed = false;
  for (const [index, step] of job.steps.entries()) {
    if (step.uses?.startsWith("actions/upload-artifact") && stepRuns(step.if, { values, failed })) {
      const paths = expand(String(step.with?.path ?? ""), values)
        .split("\n")
        .filter(Boolean);
      const name = expand(String(step.with?.name ?? ""), values);
      result.artifacts.push({
        name,
        paths,
        includeHidden: step.with?.["include-hidden-files"] === true,
      });
    }
    if (step.run === undefined) continue;
    if (!stepRuns(step.if, { values, failed })) continue;
    const original = expand(step.run, values);
    const command = options.substitute ? options.substitute(original) : original;
    if (command === null) continue;
    const runCommand = command ?? original;
    const stepEnv = Object.fromEntries(
      Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v), values)]),
    );
    const extraPath = existsSync(files.GITHUB_PATH)
      ? readFileSync(files.GITHUB_PATH, "utf8").split("\n").filter(Boolean).reverse()
      : [];
    const env = {
      ...base,
      ...jobEnv,
      ...readKeyValues(files.GITHUB_ENV),
      ...stepEnv,
      PATH: [...extraPath, options.path].join(":"),
    };
    const script = path.join(checkout.temp, `step-${index}.sh`);
    writeFileSync(script, runCommand, { mode: 0o644 });
    execFileSync("chown", [`${user.uid}:${user.gid}`, script]);
    const cwd = path.join(checkout.workspace, expand(step["working-directory"] ?? ".", values));
    const { code, output } = await runAs(user, cwd, env, script);
    const name = step.name ?? step.id ?? original.split("\n")[0] ?? "";
    result.steps.push({ name, command: runCommand, code, output });
    if (code !== 0) failed = true;
  }
  result.outputs = existsSync(files.GITHUB_OUTPUT) ? readFileSync(files.GITHUB_OUTPUT, "utf8") : "";
  return result;
}
