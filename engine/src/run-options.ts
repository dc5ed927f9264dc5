import { parseDuration } from "./duration.ts";
import type { HttpOptions } from "./http-options.ts";
import type { TlsSettings } from "./modules/transport.ts";
import type { ScenarioPlan } from "./options.ts";
import { logLine } from "./state.ts";

/** The transport's TLS settings from k6's options. */
export function transportSettings(http: HttpOptions): TlsSettings {
  return {
    rejectUnauthorized: !http.insecureSkipTLSVerify,
    minVersion: http.tlsMinVersion,
    maxVersion: http.tlsMaxVersion,
    ciphers: http.tlsCiphers,
  };
}

/** k6's test-wide `tags` go on every sample; a scenario's own tags win over them. */
export function applyTestTags(plans: ScenarioPlan[], tags: unknown): ScenarioPlan[] {
  if (typeof tags !== "object" || tags === null || Array.isArray(tags)) return plans;
  const common = Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, String(v)]));
  return plans.map((plan) => ({ ...plan, tags: { ...common, ...plan.tags } }));
}

/** The script's `summaryTrendStats`, when it sets them (the CLI flag wins over it). */
export function scriptTrendStats(options: Record<string, unknown>): string[] | undefined {
  const stats = options.summaryTrendStats;
  return Array.isArray(stats) && stats.every((s) => typeof s === "string") ? stats : undefined;
}

/** `setupTimeout` / `teardownTimeout` in ms: k6's default is 60 s each. */
export function lifecycleTimeoutMs(value: unknown): number {
  return (value === undefined || value === null ? undefined : parseDuration(value)) ?? 60_000;
}

/** setup() or teardown() ran past its time limit (k6 exits 100 / 101 with this line). */
export class LifecycleTimeout extends Error {
  readonly line: string;
  constructor(place: "setup" | "teardown", ms: number) {
    super(`${place}() execution timed out after ${(ms / 1000).toFixed(0)} seconds`);
    this.line = logLine("error", this.message, {
      hint: `You can increase the time limit via the ${place}Timeout option`,
    });
  }
}

/** `work`, or a LifecycleTimeout once `ms` have passed. */
export async function withTimeout<T>(
  work: Promise<T>,
  place: "setup" | "teardown",
  ms: number,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LifecycleTimeout(place, ms)), ms);
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}
