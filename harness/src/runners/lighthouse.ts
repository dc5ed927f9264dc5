import { mkdir, readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { EXIT, HarnessError } from "../schema/index.ts";
import { interrupted, spawnWatched } from "./child-watchdog.ts";

export interface LighthouseRunOptions {
  root: string;
  baseUrl: string;
  paths: string[];
  runs: number;
  chromePath: string;
  /** LHCI's working folder: `.lighthouseci/` is written under it. */
  outDir: string;
  /** The Lighthouse CI config, relative to root (default lighthouserc.json). */
  configFile?: string;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

/** What the runner hands to the adapter: every LHR, and LHCI's own assertion results. */
export interface LighthouseRaw {
  lhrs: unknown[];
  assertions: unknown[];
}

/**
 * @lhci/cli is an optional peer dependency: found from the project first (where a team that
 * uses Lighthouse CI has it), then from perfgate's own install.
 */
function lhciBin(root: string): string {
  for (const from of [path.join(root, "package.json"), import.meta.url]) {
    try {
      const manifest = createRequire(from).resolve("@lhci/cli/package.json");
      return path.join(path.dirname(manifest), "src/cli.js");
    } catch {
      // Not installed there.
    }
  }
  throw new HarnessError("E_NO_LHCI", "lighthouse: @lhci/cli is not installed", {
    hint: "npm i -D @lhci/cli (or remove lighthouse from perfgate.config.ts)",
    exitCode: EXIT.toolFailed,
  });
}

async function lhci(
  options: LighthouseRunOptions,
  args: string[],
): Promise<{ code: number; output: string }> {
  const bin = lhciBin(options.root);
  // Watched (issue 22 H1, H6): its own group stopped with SIGINT (chrome-launcher then closes
  // Chromium), SIGTERM → SIGKILL after that, an 'error' listener (an aborted spawn crashed the
  // harness), and the guardian stops it if the harness dies.
  const { child, exited } = spawnWatched(
    process.execPath,
    [
      bin,
      ...args,
      `--config=${path.resolve(options.root, options.configFile ?? "lighthouserc.json")}`,
    ],
    { cwd: options.outDir, stdio: ["ignore", "pipe", "pipe"] },
    { signal: options.signal, stopSignal: "SIGINT", graceMs: 5_000 },
  );
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  const exit = await exited;
  if (options.signal?.aborted) throw interrupted("lhci");
  if (exit.error) throw exit.error;
  return { code: exit.code ?? 1, output };
}

/**
 * LHCI `collect` (system Chromium, the configured number of runs per page) then `assert`
 * against `lighthouserc.json`. Failing assertions are results, not errors.
 */
export async function runLighthouse(options: LighthouseRunOptions): Promise<LighthouseRaw> {
  await mkdir(options.outDir, { recursive: true });
  const urls = options.paths.map((p) => `--url=${new URL(p, options.baseUrl).href}`);
  options.log?.(`lighthouse: ${options.paths.length} pages × ${options.runs} runs`);
  const collect = await lhci(options, [
    "collect",
    ...urls,
    `--numberOfRuns=${options.runs}`,
    `--chromePath=${options.chromePath}`,
  ]);
  if (collect.code !== 0) {
    throw new HarnessError(
      "E_LHCI_COLLECT",
      `lhci collect failed (exit ${collect.code})\n  ${collect.output.trim().split("\n").slice(-6).join("\n  ")}`,
      {
        hint: "check CHROME_PATH and that the app answers; run `npm run doctor`",
        exitCode: EXIT.toolFailed,
      },
    );
  }
  await lhci(options, ["assert"]);
  const dir = path.join(options.outDir, ".lighthouseci");
  const files = (await readdir(dir)).filter((f) => /^lhr-\d+\.json$/.test(f)).sort();
  const lhrs = await Promise.all(
    files.map(async (f) => JSON.parse(await readFile(path.join(dir, f), "utf8")) as unknown),
  );
  const assertions = JSON.parse(
    await readFile(path.join(dir, "assertion-results.json"), "utf8").catch(() => "[]"),
  ) as unknown[];
  return { lhrs, assertions };
}
