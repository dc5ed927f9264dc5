import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

export type PackageManager = "npm" | "pnpm" | "yarn" | "bun";

/** What `perfgate init` found in the repository; every field has a fallback. */
export interface Detected {
  packageManager: PackageManager;
  /** `<pm> run build` when package.json has a build script. */
  buildCommand?: string | undefined;
  /** The build's output folder: the first of dist/, build/, out/ that exists, else dist. */
  outDir: string;
  /** `<pm> run start` when package.json has a start script. */
  startCommand?: string | undefined;
}

const LOCKFILES: [string, PackageManager][] = [
  ["pnpm-lock.yaml", "pnpm"],
  ["yarn.lock", "yarn"],
  ["bun.lockb", "bun"],
  ["bun.lock", "bun"],
  ["package-lock.json", "npm"],
];

/** Reads lockfiles and package.json scripts in `dir`. Reads, never writes. */
export function detectProject(dir: string): Detected {
  const packageManager = LOCKFILES.find(([file]) => existsSync(path.join(dir, file)))?.[1] ?? "npm";
  let scripts: Record<string, string> = {};
  try {
    const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
      scripts?: Record<string, string>;
    };
    scripts = pkg.scripts ?? {};
  } catch {
    // No or unreadable package.json: nothing to detect.
  }
  const run = (script: string) =>
    packageManager === "npm" ? `npm run ${script}` : `${packageManager} run ${script}`;
  const outDir = ["dist", "build", "out"].find((d) => existsSync(path.join(dir, d))) ?? "dist";
  return {
    packageManager,
    buildCommand: scripts.build ? run("build") : undefined,
    outDir,
    startCommand: scripts.start ? run("start") : undefined,
  };
}
