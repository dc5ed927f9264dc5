import type { HttpOptions } from "./http-options.ts";
import type { TlsSettings } from "./modules/transport.ts";
import type { ScenarioPlan } from "./options.ts";

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
