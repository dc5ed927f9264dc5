import { readFile } from "node:fs/promises";
import path from "node:path";
import { normalizeLighthouse } from "../../adapters/lighthouse.ts";
import { foreignLoadMeta, startForeignLoadSampler } from "../../runners/foreign-load.ts";
import { runLighthouse } from "../../runners/lighthouse.ts";
import { detectChromium } from "../../runners/tools.ts";
import type { LighthouseCalibrationConfig } from "../../schema/config.ts";
import type { Metric, Suite, Verdict } from "../../schema/index.ts";
import type { LoadContext } from "../load-context.ts";
import type { Stage } from "../stage.ts";

export interface LighthouseStageOptions {
  root: string;
  baseUrl: string;
  rawDir: string;
  chromePath: string;
  paths: string[];
  runs: number;
  /** Page ids by path (perfgate.config.ts `lighthouse.pages`); else lhci/pages.json. */
  pages?: { id: string; path: string }[] | undefined;
  /** The Lighthouse CI config (assertions); else lighthouserc.json. */
  configFile?: string | undefined;
  /** perfgate.config.ts `lighthouse.calibration` and `noisy` (defaults: LighthouseSection's). */
  calibration?: LighthouseCalibrationConfig | undefined;
  noisy?: readonly string[] | undefined;
  signal?: AbortSignal;
  log: (line: string) => void;
}

type VitalsSummary = Record<string, { count: number; p50: number; p75: number; p95: number }>;

/**
 * Lab data (Lighthouse on the given pages) and, beside it, field data: the Web Vitals beacons the
 * app received while those pages loaded, as their p75 (the threshold Google reports).
 */
export async function runLighthouseStage(
  options: LighthouseStageOptions,
): Promise<{ suites: Suite[]; verdicts: Verdict[] }> {
  const pages =
    options.pages ??
    (
      JSON.parse(await readFile(path.join(options.root, "lhci/pages.json"), "utf8")) as {
        pages: { id: string; path: string }[];
      }
    ).pages;
  const raw = await runLighthouse({
    root: options.root,
    baseUrl: options.baseUrl,
    paths: options.paths,
    runs: options.runs,
    ...(options.configFile ? { configFile: options.configFile } : {}),
    chromePath: options.chromePath,
    calibration: options.calibration,
    outDir: path.join(options.rawDir, "lighthouse"),
    ...(options.signal ? { signal: options.signal } : {}),
    log: options.log,
  });
  const { suites, verdicts } = normalizeLighthouse(raw, pages, {
    calibration: options.calibration,
    noisy: options.noisy,
  });
  // Field data is the reference app's beacon endpoint; another app simply has none.
  const summary = (await fetch(new URL("/api/vitals/summary", options.baseUrl))
    .then((response) => (response.ok ? response.json() : {}))
    .catch(() => ({}))) as VitalsSummary;
  const field: Metric[] = Object.entries(summary)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, s]) => ({
      id: `${name.toLowerCase()}_p75`,
      unit: name === "CLS" ? "score" : "ms",
      direction: "lower",
      value: s.p75,
      tags: { beacons: String(s.count) },
    }));
  if (field.length > 0) {
    suites.push({
      kind: "lighthouse",
      id: "field-vitals",
      tool: { name: "web-vitals", version: "5.2.0" },
      status: "ok",
      metrics: field,
      meta: { source: "beacons during the lab runs" },
    });
  }
  return { suites, verdicts };
}

/** Lighthouse on the profile's pages; skipped (and said) where no Chromium is found. */
export const lighthouseStage: Stage<LoadContext> = {
  id: "lighthouse",
  unit: { kind: "lighthouse", tool: "lighthouse" },
  skip: ({ profile, baseUrl, lighthouse, bundleOk, external }) => {
    if (!lighthouse) return "not configured: no lighthouse in perfgate.config.ts";
    if (!profile.lighthouse) return "not configured in this profile";
    if (!baseUrl) return "no app to audit";
    // The app serves this run's build, and there is none to measure.
    return bundleOk === false && !external ? "the web bundle did not build" : undefined;
  },
  describe: ({ profile }) =>
    `lighthouse: ${profile.lighthouse?.paths.join(", ")} × ${profile.lighthouse?.runs} run(s)`,
  async run(context) {
    const chromium = await detectChromium(context.env);
    if (!chromium.path) {
      return {
        suites: [],
        warnings: [
          {
            code: "stage-skipped",
            message:
              "lighthouse stage skipped: no Chromium found (apt-get install chromium, or set CHROME_PATH)",
          },
        ],
      };
    }
    const { paths, runs, gate } = context.profile.lighthouse as NonNullable<
      LoadContext["profile"]["lighthouse"]
    >;
    const sampler = startForeignLoadSampler();
    const stage = await runLighthouseStage({
      root: context.root,
      baseUrl: context.baseUrl as string,
      rawDir: context.rawDir,
      chromePath: chromium.path,
      paths,
      runs,
      pages: context.lighthouse?.pages.length ? context.lighthouse.pages : undefined,
      configFile: context.lighthouse?.config,
      calibration: context.lighthouse?.calibration,
      noisy: context.lighthouse?.noisy,
      signal: context.signal,
      log: context.log,
    });
    const sampled = foreignLoadMeta(sampler.stop());
    // One run is too noisy to fail on: an ungated profile reports budget misses as warnings.
    const verdicts = stage.verdicts.map((v) => (gate ? v : { ...v, level: "warn" as const }));
    return {
      suites: stage.suites.map((s) => ({ ...s, meta: { ...s.meta, ...sampled } })),
      verdicts,
    };
  },
};
