import { readFile } from "node:fs/promises";
import path from "node:path";

interface LhciPage {
  id: string;
  path: string;
}

import { normalizeLighthouse } from "../adapters/lighthouse.ts";
import { writeScratchRun } from "../history/run-store.ts";
import { startAppProcess } from "../runners/app.ts";
import { runBundleBuild } from "../runners/bundle.ts";
import { runLighthouse } from "../runners/lighthouse.ts";
import { detectChromium } from "../runners/tools.ts";
import { LighthouseSection } from "../schema/config.ts";
import { EXIT, HarnessError, type RunResult, type Verdict } from "../schema/index.ts";
import { beginRunRecord } from "./run-record.ts";

export interface LhciOptions {
  root: string;
  runs: number;
  /** Page paths to audit, each listed in lhci/pages.json; undefined: every listed page. */
  pagePaths: readonly string[] | undefined;
  /** A built web folder to serve; undefined builds the web app first. */
  dist: string | undefined;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  log: (line: string) => void;
}

/** The pages of lhci/pages.json, or those of them at `wanted`; none is a usage error. */
async function selectPages(root: string, wanted: readonly string[] | undefined) {
  const file = path.join(root, "lhci/pages.json");
  const listed = (JSON.parse(await readFile(file, "utf8")) as { pages: LhciPage[] }).pages;
  const pages = wanted ? listed.filter((p) => wanted.includes(p.path)) : listed;
  if (pages.length > 0) return pages;
  throw new HarnessError(
    "E_USAGE",
    `lhci: --page ${wanted?.join(", ")} is not in lhci/pages.json`,
    {
      hint: `pages: ${listed.map((p) => p.path).join(", ")}`,
      exitCode: EXIT.usage,
    },
  );
}

/**
 * `perfgate lhci`: build the web app, serve it from the real app on loopback, run Lighthouse CI
 * (system Chromium, budgets from lighthouserc.json) on the given pages, into a scratch record.
 */
export async function runLhci(
  options: LhciOptions,
): Promise<{ run: RunResult; verdicts: Verdict[] }> {
  const { root, runs, signal, log } = options;
  const chromium = await detectChromium(options.env);
  if (!chromium.path) {
    throw new HarnessError("E_NO_CHROMIUM", "lhci: no Chromium found", {
      hint: "apt-get install chromium, or set CHROME_PATH",
      exitCode: EXIT.toolFailed,
    });
  }
  const pages = await selectPages(root, options.pagePaths);
  const record = await beginRunRecord(
    root,
    `lhci-${runs}-runs`,
    { chromium: chromium.version ?? "unknown" },
    options.env,
  );
  const rawDir = path.join(root, ".perf", record.runId, "raw");
  const dist = options.dist ?? path.join(rawDir, "bundle", "dist");
  if (!options.dist) await runBundleBuild(root, dist, signal);
  // perfgate.config.ts is not read here: the calibration and noisy budgets are its defaults.
  const { calibration, noisy } = LighthouseSection.parse({});
  const app = await startAppProcess({ root, env: { PERFGATE_APP_WEB_DIST: dist }, signal });
  let raw: Awaited<ReturnType<typeof runLighthouse>>;
  try {
    raw = await runLighthouse({
      root,
      baseUrl: app.url,
      paths: pages.map((p) => p.path),
      runs,
      chromePath: chromium.path,
      calibration,
      outDir: path.join(rawDir, "lighthouse"),
      signal,
      log,
    });
  } finally {
    await app.stop();
  }
  const { suites, verdicts } = normalizeLighthouse(raw, pages, { calibration, noisy });
  const run = record.finish({ suites, verdicts });
  await writeScratchRun(path.join(root, ".perf"), run);
  return { run, verdicts };
}
