import path from "node:path";
import { readMixPaths } from "../../../scenarios/_lib/read-mix.ts";
import { normalizeAutocannon } from "../adapters/autocannon.ts";
import { runAutocannon } from "../runners/autocannon.ts";
import type { Metric, QualityWarning, Suite } from "../schema/index.ts";
import type { EndpointPass } from "./profiles.ts";

export interface EndpointStageOptions {
  passes: readonly EndpointPass[];
  /** The run's app. */
  baseUrl: string;
  /** Start an app instance with extra flags for a pass that has `appEnv`; undefined when the run targets an external app. */
  startVariant:
    | ((env: Record<string, string>) => Promise<{ url: string; stop(): Promise<void> }>)
    | undefined;
  /**
   * Switch the run's app to a pass's flags at run time (runners/app-switches.ts); resolves to an
   * undo, or undefined when the flags need their own instance (then `startVariant` is used).
   */
  switchApp?:
    | ((env: Record<string, string>) => Promise<(() => Promise<void>) | undefined>)
    | undefined;
  /** Products in the app's seed, so the read mix only asks for ids that exist. */
  seedProducts: number;
  rawDir: string;
  autocannonVersion: string;
  signal: AbortSignal;
  log: (line: string) => void;
  /** Wraps each pass so a failure becomes an errored suite (the pipeline's runUnit). */
  unit: (id: string, work: () => Promise<Suite>) => Promise<Suite>;
}

/** Fixed seed: both sides of a compare, and caching on vs off, replay the same request sequence. */
const READ_MIX_SEED = 20261125;

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
  const readMix = passes.some((p) => p.path === "read-mix")
    ? readMixPaths({ seed: READ_MIX_SEED, count: 50_000, products: options.seedProducts })
    : undefined;
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
        const raw = await runAutocannon(
          {
            id: pass.id,
            url: new URL(pass.path === "read-mix" ? "/" : pass.path, base).href,
            ...(pass.path === "read-mix" && readMix ? { paths: readMix } : {}),
            connections: pass.connections,
            durationSeconds: pass.durationSeconds,
            outFile: path.join(options.rawDir, "autocannon", `${pass.id}.json`),
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
