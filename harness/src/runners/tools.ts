import { execFile } from "node:child_process";
import { access, constants } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);

export interface ToolInfo {
  name: string;
  /** Absolute path of the executable, or undefined when not found. */
  path: string | undefined;
  version: string | undefined;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Like `which`: the first executable named `name` on PATH. */
export async function findOnPath(
  name: string,
  envPath = process.env.PATH ?? "",
): Promise<string | undefined> {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function versionOf(
  file: string,
  args: string[],
  pattern: RegExp,
): Promise<string | undefined> {
  try {
    const { stdout, stderr } = await exec(file, args, { timeout: 10_000 });
    return (stdout + stderr).match(pattern)?.[1];
  } catch {
    return undefined;
  }
}

/** The real k6 binary: `K6_PATH` wins, then PATH. */
export async function detectK6(env: NodeJS.ProcessEnv = process.env): Promise<ToolInfo> {
  const explicit = env.K6_PATH;
  const file = explicit
    ? (await isExecutable(explicit))
      ? explicit
      : undefined
    : await findOnPath("k6", env.PATH);
  const version = file ? await versionOf(file, ["version"], /k6 v?(\d+\.\d+\.\d+\S*)/) : undefined;
  return { name: "k6", path: file, version };
}

/** System Chromium for Lighthouse and browser tests: `CHROME_PATH` wins, then PATH. */
export async function detectChromium(env: NodeJS.ProcessEnv = process.env): Promise<ToolInfo> {
  let file = env.CHROME_PATH && (await isExecutable(env.CHROME_PATH)) ? env.CHROME_PATH : undefined;
  for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
    file ??= await findOnPath(name, env.PATH);
  }
  const version = file ? await versionOf(file, ["--version"], /(\d+\.\d+\.\d+\.\d+)/) : undefined;
  return { name: "chromium", path: file, version };
}

export async function detectRedis(env: NodeJS.ProcessEnv = process.env): Promise<ToolInfo> {
  const file = await findOnPath("redis-server", env.PATH);
  const version = file ? await versionOf(file, ["--version"], /v=(\d+\.\d+\.\d+)/) : undefined;
  return { name: "redis-server", path: file, version };
}
