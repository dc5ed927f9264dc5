import path from "node:path";
import { normalizeLighthouse } from "../adapters/lighthouse.ts";
import { writeScratchRun } from "../history/run-store.ts";
import { startAppProcess } from "../runners/app.ts";
import { runBundleBuild } from "../runners/bundle.ts";
import { runLighthouse } from "../runners/lighthouse.ts";
import { LighthouseSection } from "../schema/config.ts";
import type { RunResult, Verdict } from "../schema/index.ts";
import { beginRunRecord } from "./run-record.ts";

export interface LhciOptions {
  root: string;
  runs: number;
  pages: { id: string; path: string }[];
  /** A built web folder to serve; undefined builds the web app first. */
  dist: string | undefined;
  chromium: { path: string; version: string };
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  log: (line: string) => void;
}

/**
 * `perfgate lhci`: build the web app, serve it from the real app on loopback, run Lighthouse CI
 * (system Chromium, budgets from lighthouserc.json) on the given pages, into a scratch record.
 */
export async function runLhci(
  options: LhciOptions,
): Promise<{ run: RunResult; verdicts: Verdict[] }> {
  const { root, runs, pages, signal, log } = options;
  const record = await beginRunRecord(
    root,
    `lhci-${runs}-runs`,
    { chromium: options.chromium.version },
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
      chromePath: options.chromium.path,
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
