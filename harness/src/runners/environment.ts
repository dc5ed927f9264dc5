import { randomBytes } from "node:crypto";
import os from "node:os";
import type { Environment, GitInfo } from "../schema/index.ts";
import { git, gitError, isNoRepository, tryGit } from "./git.ts";

const NO_COMMIT = "0".repeat(40);

/**
 * Provenance of a run. Outside a git checkout (or before its first commit) the sha is all
 * zeros, so records stay valid; any other git failure (dubious ownership above all) stops the
 * run with git's own reason instead of recording a run under sha 0000000.
 */
export async function readGitInfo(root: string): Promise<GitInfo> {
  const args = ["rev-parse", "--verify", "HEAD"];
  const head = await tryGit(root, args, { timeout: 10_000 });
  if (!head.ok) {
    const { failure } = head;
    const unborn = /needed a single revision|unknown revision|ambiguous argument/i;
    if (isNoRepository(failure) || unborn.test(failure.stderr)) {
      return { sha: NO_COMMIT, shortSha: NO_COMMIT.slice(0, 7), ref: "unknown", dirty: false };
    }
    throw gitError(args, failure, root);
  }
  const sha = head.stdout;
  const ref = await git(root, ["rev-parse", "--abbrev-ref", "HEAD"], { timeout: 10_000 });
  const status = await git(root, ["status", "--porcelain", "--untracked-files=no"], {
    timeout: 10_000,
  });
  return { sha, shortSha: sha.slice(0, 7), ref, dirty: status !== "" };
}

function loadAverage(): [number, number, number] {
  const [a = 0, b = 0, c = 0] = os.loadavg();
  return [a, b, c].map((x) => Math.round(x * 100) / 100) as [number, number, number];
}

/** The environment fingerprint recorded with every run (C10). */
export function readEnvironment(
  tools: Record<string, string>,
  env: NodeJS.ProcessEnv = process.env,
): Environment {
  const cpus = os.cpus();
  const runner = env.RUNNER_NAME ?? env.RUNNER_OS;
  return {
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    cores: Math.max(1, os.availableParallelism?.() ?? cpus.length),
    memoryBytes: os.totalmem(),
    os: `${os.type()} ${os.release()}`,
    arch: os.arch(),
    node: process.versions.node,
    v8: process.versions.v8,
    ci: Boolean(env.CI) && env.CI !== "false",
    ...(runner ? { runner } : {}),
    tools,
    loadAvgBefore: loadAverage(),
  };
}

/** The GitHub Actions run page of this process, when it runs in one (its artifacts are there). */
export function ciRunUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = env;
  return server && repo && run ? `${server}/${repo}/actions/runs/${run}` : undefined;
}

/** Commit page prefix of the repository this CI run belongs to (dashboard change-point links). */
export function ciCommitUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo } = env;
  return server && repo ? `${server}/${repo}/commit/` : undefined;
}

export function readLoadAverage(): [number, number, number] {
  return loadAverage();
}

/**
 * `<UTC timestamp>_<short sha>-<ms><random>`: sorts by time, names the commit, and is unique per
 * process (issue 22 H3: two runs started in the same second shared one id and one raw folder,
 * and the second was lost to E_RUN_EXISTS). The suffix is the start's milliseconds (so runs of
 * one second still sort by time) and 5 random hex digits (so two processes in the same
 * millisecond differ).
 */
export function makeRunId(
  startedAt: Date,
  shortSha: string,
  random: () => string = () => randomBytes(3).toString("hex").slice(0, 5),
): string {
  const iso = startedAt.toISOString();
  const stamp = iso.replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const millis = iso.match(/\.(\d{3})Z$/)?.[1] ?? "000";
  return `${stamp}_${shortSha}-${millis}${random()}`;
}
