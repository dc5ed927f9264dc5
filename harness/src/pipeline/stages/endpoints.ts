import path from "node:path";
import { normalizeAutocannon } from "../../adapters/autocannon.ts";
import { switchAppFlags } from "../../runners/app-switches.ts";
import { runAutocannon } from "../../runners/autocannon.ts";
import { loadPathsModule } from "../../runners/paths-module.ts";
import { assertLoadTarget } from "../../runners/target.ts";
import type { Metric, QualityWarning, Suite } from "../../schema/index.ts";
import type { LoadContext } from "../load-context.ts";
import type { EndpointPass } from "../profiles.ts";
import { guardUnit, type Stage } from "../stage.ts";
import { startApp } from "./app.ts";

export interface EndpointStageOptions {
  passes: readonly EndpointPass[];
  /** The run's app. */
  baseUrl: string;
  /** Start an app instance with extra flags for a pass that has `appEnv`; undefined when the run targets an external app. */
  startVariant:
    | ((env: Record<string, string>) => Promise<{ url: string; stop(): Promise<void> }>)
    | undefined;
  root: string;
  /** Handed to a paths module (the read mix asks only for products the app seeded). */
  env: Record<string, string | undefined>;
  /**
   * Switch the run's app to a pass's flags at run time (runners/app-switches.ts); resolves to an
   * undo, or undefined when the flags need their own instance (then `startVariant` is used).
   */
  switchApp?:
    | ((env: Record<string, string>) => Promise<(() => Promise<void>) | undefined>)
    | undefined;
  rawDir: string;
  autocannonVersion: string;
  /** Hosts besides loopback a pass may load (`--allow-host`): a pass's path may be absolute. */
  allowHosts?: readonly string[];
  /** The config's extra sensitive names, redacted from the raw output. */
  redact?: readonly string[];
  signal: AbortSignal;
  log: (line: string) => void;
  /** Wraps each pass so a failure becomes an errored suite (the pipeline's runUnit). */
  unit: (id: string, work: () => Promise<Suite>) => Promise<Suite>;
}

/** Fixed seed: both sides of a compare, and caching on vs off, replay the same request sequence. */
export const PATHS_SEED = 20261125;
const PATHS_COUNT = 50_000;

/** Each distinct paths module's request paths, generated once per run. */
async function generatePaths(
  options: EndpointStageOptions,
): Promise<Map<string, readonly string[]>> {
  const generated = new Map<string, readonly string[]>();
  for (const pass of options.passes) {
    if (!pass.pathsModule || generated.has(pass.pathsModule)) continue;
    const generate = await loadPathsModule(
      options.root,
      pass.pathsModule,
      path.join(options.rawDir, "autocannon", "paths"),
    );
    generated.set(
      pass.pathsModule,
      generate({ seed: PATHS_SEED, count: PATHS_COUNT, env: options.env }),
    );
  }
  return generated;
}

/**
 * Closed-loop passes with autocannon, each on the run's app or on its own instance started with
 * the pass's flags (never both at once: passes run one after another). A pass with `ratioTo`
 * also gets its throughput as a ratio to that pass, measured minutes apart on the same machine.
 */
export async function runEndpointStage(
  options: EndpointStageOptions,
): Promise<{ suites: Suite[]; warnings: QualityWarning[] }> {
  const { passes, signal, log } = options;
  const suites: Suite[] = [];
  const warnings: QualityWarning[] = [];
  const pathsOf = await generatePaths(options);
  for (const pass of passes) {
    if (signal.aborted) break;
    if (pass.appEnv && !options.startVariant && !options.switchApp) {
      warnings.push({
        code: "stage-skipped",
        message: `endpoint ${pass.id} skipped: it needs its own app instance, and the run targets an external app`,
      });
      continue;
    }
    const flags = pass.appEnv
      ? ` on an app with ${Object.entries(pass.appEnv)
          .map(([k, v]) => `${k}=${v}`)
          .join(" ")}`
      : "";
    log(
      `autocannon ${pass.id}: ${pass.connections} connections × ${pass.durationSeconds} s${flags}…`,
    );
    const suite = await options.unit(pass.id, async () => {
      const restore = pass.appEnv ? await options.switchApp?.(pass.appEnv) : undefined;
      if (restore) log(`autocannon ${pass.id}: flags switched on the run's app`);
      const variant =
        pass.appEnv && !restore
          ? await (options.startVariant as NonNullable<typeof options.startVariant>)(pass.appEnv)
          : undefined;
      try {
        const base = variant?.url ?? options.baseUrl;
        const paths = pass.pathsModule ? pathsOf.get(pass.pathsModule) : undefined;
        const url = assertLoadTarget(new URL(pass.path, base).href, options.allowHosts).href;
        const raw = await runAutocannon(
          {
            id: pass.id,
            url,
            ...(paths ? { paths } : {}),
            connections: pass.connections,
            durationSeconds: pass.durationSeconds,
            ...(pass.method ? { method: pass.method } : {}),
            ...(pass.headers ? { headers: pass.headers } : {}),
            ...(pass.body !== undefined ? { body: pass.body } : {}),
            ...(pass.maxErrorShare !== undefined ? { maxErrorShare: pass.maxErrorShare } : {}),
            outFile: path.join(options.rawDir, "autocannon", `${pass.id}.json`),
            redact: options.redact,
            signal,
          },
          options.autocannonVersion,
        );
        const normalized = normalizeAutocannon(raw);
        warnings.push(...normalized.warnings);
        return normalized.suite;
      } finally {
        await variant?.stop();
        await restore?.();
      }
    });
    suites.push(suite);
    log(`autocannon ${pass.id}: ${suite.status}${suite.error ? ` — ${suite.error}` : ""}`);
  }
  for (const pass of passes) {
    if (!pass.ratioTo) continue;
    const ratio = throughputRatio(suites, pass.id, pass.ratioTo);
    if (ratio === undefined) continue;
    suites.find((s) => s.id === pass.id)?.metrics.push(ratio);
    log(`${pass.id}: ${ratio.value?.toFixed(2)}× the throughput of ${pass.ratioTo}`);
  }
  return { suites, warnings };
}

/** requests_rate of `id` over that of `baseId`, when both passes ran. Pure. */
export function throughputRatio(
  suites: readonly Suite[],
  id: string,
  baseId: string,
): Metric | undefined {
  const rate = (suiteId: string) => {
    const suite = suites.find((s) => s.id === suiteId && s.status === "ok");
    return suite?.metrics.find((m) => m.id === "requests_rate")?.value;
  };
  const head = rate(id);
  const base = rate(baseId);
  if (head === undefined || base === undefined || base <= 0) return undefined;
  return {
    id: "requests_rate_ratio",
    unit: "times",
    direction: "higher",
    value: head / base,
    tags: { vs: baseId },
  };
}

/** Closed-loop autocannon passes on the app (caching on vs off on their own instances). */
export const endpointsStage: Stage<LoadContext> = {
  id: "endpoints",
  unit: { kind: "endpoint", tool: "autocannon" },
  skip: ({ profile }) =>
    profile.endpoints.length === 0 ? "not configured: no endpoints in this profile" : undefined,
  describe: ({ profile }) =>
    `endpoints: ${profile.endpoints.length} autocannon passes (${profile.endpoints.map((e) => e.id).join(", ")})`,
  async run(context) {
    const unit = {
      kind: "endpoint" as const,
      tool: "autocannon",
      version: context.autocannonVersion,
    };
    return runEndpointStage({
      passes: context.profile.endpoints,
      baseUrl: context.baseUrl as string,
      startVariant: context.external
        ? undefined
        : (flags) => startApp(context, { ...context.appEnv, ...flags }),
      switchApp: context.external
        ? undefined
        : (flags) => switchAppFlags(context.baseUrl as string, flags, context.signal),
      root: context.root,
      env: { ...context.env, PERFGATE_APP_SEED_PRODUCTS: String(context.seedProducts) },
      rawDir: context.rawDir,
      autocannonVersion: context.autocannonVersion,
      allowHosts: context.allowHosts,
      redact: context.redact,
      signal: context.signal,
      log: context.log,
      unit: (id, work) => guardUnit(id, unit, work),
    });
  },
};
