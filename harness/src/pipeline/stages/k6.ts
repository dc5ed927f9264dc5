import path from "node:path";
import { runK6Scenario } from "../../runners/k6.ts";
import type { Suite } from "../../schema/index.ts";
import type { LoadContext } from "../load-context.ts";
import { guardUnit, type Stage, type StageResult } from "../stage.ts";
import { readK6Outcome } from "./k6-outcome.ts";

function engineName({ engine }: LoadContext): string {
  return engine.kind === "k6" ? "k6" : "perfgate-engine";
}

/**
 * `PERFGATE_INIT_TIMEOUT_SECONDS` (how long a scenario's init may take, default 120 s) and
 * `PERFGATE_STOP_GRACE_SECONDS` (wait after SIGINT and after SIGTERM, default 15 s), in ms.
 */
function seconds(text: string | undefined): number | undefined {
  const value = Number(text);
  return text && Number.isFinite(value) && value > 0 ? value * 1000 : undefined;
}

/** The profile's k6 scenarios, one after another (never overlapping), on k6 or the engine. */
export const k6Stage: Stage<LoadContext> = {
  id: "k6",
  unit: { kind: "load", tool: "k6" },
  skip: ({ scenarios }) => (scenarios.length === 0 ? "no scenarios configured" : undefined),
  describe: (context) =>
    `k6: ${context.scenarios.map((s) => s.id).join(", ")} on ${context.engine.kind === "k6" ? `k6 ${context.engine.version}` : `the built-in engine ${context.engine.version}`}`,
  async run(context) {
    const result: Required<StageResult> = {
      suites: [],
      verdicts: [],
      warnings: [],
      interrupted: false,
    };
    const baseUrl = context.baseUrl;
    for (const { id, bundle } of context.scenarios) {
      if (context.signal.aborted || !baseUrl) break;
      context.log(`k6 ${id}: running…`);
      const unit = {
        kind: "load" as const,
        tool: engineName(context),
        version: context.engine.version,
      };
      const suite: Suite = await guardUnit(id, unit, async () => {
        const raw = await runK6Scenario({
          engine: context.engine,
          scenario: id,
          bundle,
          outDir: path.join(context.rawDir, "k6", id),
          vars: {
            PRODUCTS: String(context.seedProducts),
            ...context.profile.vars,
            BASE_URL: baseUrl,
          },
          signal: context.signal,
          initTimeoutMs: seconds(context.env.PERFGATE_INIT_TIMEOUT_SECONDS),
          graceMs: seconds(context.env.PERFGATE_STOP_GRACE_SECONDS),
          echo: context.echo,
          onStart: (pid) => context.memory?.watchGenerator(pid),
          allowHosts: context.allowHosts,
          redact: context.redact,
        });
        const outcome = await readK6Outcome(raw, context.engine);
        result.interrupted ||= outcome.interrupted;
        result.verdicts.push(...outcome.verdicts);
        result.warnings.push(...outcome.warnings);
        return outcome.suite;
      });
      result.suites.push(suite);
      context.log(`k6 ${id}: ${suite.status}${suite.error ? ` — ${suite.error}` : ""}`);
    }
    return result;
  },
};
