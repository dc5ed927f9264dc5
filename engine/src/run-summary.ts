import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { RunFacts } from "./local.ts";
import type { streamJsonOutput } from "./out-json.ts";
import { OUTPUT_EXIT } from "./output-paths.ts";
import { type Redactor, redactorFor } from "./redact.ts";
import { K6_EXIT, type RunContext } from "./run-context.ts";
import type { ThresholdCheck } from "./run-execute.ts";
import { scriptTrendStats } from "./run-options.ts";
import type { PreparedScript, RunPlan } from "./run-plan.ts";
import {
  buildSummaryData,
  DEFAULT_TREND_STATS,
  encodeHistograms,
  renderTextSummary,
  type SummaryData,
  toLegacyExport,
} from "./summary.ts";

export interface SummaryInput {
  prepared: PreparedScript;
  plan: RunPlan;
  facts: RunFacts;
  check: ThresholdCheck;
  setupData: unknown;
  outStream: ReturnType<typeof streamJsonOutput> | undefined;
  threadText: string;
  modeText: string;
}

/** Histograms by sub-metric name: names redacted as in the summary export, the base64 left whole. */
function redactKeys(
  histograms: Record<string, string>,
  redactor: Redactor,
): Record<string, string> {
  return Object.fromEntries(Object.entries(histograms).map(([k, v]) => [redactor.text(k), v]));
}

/** Final threshold verdict: names the crossed metrics and turns a clean exit into k6's 99. */
function judgeThresholds(ctx: RunContext, check: ThresholdCheck, durationMs: number): void {
  check.evaluate(true, durationMs);
  const { failed } = check;
  if (failed.size > 0) {
    const names = [...new Set([...failed].map((t) => t.metric))].join(", ");
    ctx.options.stderr(`level=error msg="thresholds on metrics '${names}' have been crossed"\n`);
  }
  if (ctx.exitCode === K6_EXIT.ok && failed.size > 0) ctx.exitCode = K6_EXIT.thresholds;
}

function engineLineOf(input: SummaryInput): string {
  const { facts, prepared, threadText, modeText } = input;
  const layout =
    prepared.mode === "sync"
      ? `${facts.initialized} VUs on their own threads, I/O on the main thread`
      : `${facts.initialized} VUs multiplexed on ${threadText}`;
  // Peak RSS of the process (the kernel's high-water mark, VU threads included), not the RSS
  // at the end, which misses what the threads held while they ran.
  const peakMb = (process.resourceUsage().maxRSS / 1024).toFixed(0);
  return `engine: perfgate built-in, ${modeText} (${layout}, ${os.availableParallelism()} cores), ${peakMb} MB peak RSS, ~${(facts.rssPerVu / 1024 / 1024).toFixed(2)} MB per VU`;
}

/** Runs handleSummary(); whether the default text summary was printed instead. */
async function handleSummary(
  ctx: RunContext,
  exports: PreparedScript["first"]["exports"],
  data: SummaryData,
  engineLine: string,
): Promise<boolean> {
  const { stdout, stderr } = ctx.options;
  try {
    const outputs = (await (exports.handleSummary as (d: unknown) => unknown)(data)) as
      | Record<string, string>
      | undefined;
    for (const [target, content] of Object.entries(outputs ?? {})) {
      if (target === "stdout") stdout(String(content));
      else if (target === "stderr") stderr(String(content));
      else await writeFile(path.resolve(target), String(content));
    }
    return false;
  } catch (error) {
    // k6 logs a throwing handleSummary and falls back to the default summary.
    stderr(`handleSummary() failed: ${(error as Error).message}\n`);
    stdout(renderTextSummary(data, engineLine));
    return true;
  }
}

/**
 * Writes one output file; a failure (checked writable at start, so the path changed since) is
 * reported naming the flag and the summary still prints.
 */
async function writeOutput(ctx: RunContext, flag: string, file: string, text: () => string) {
  try {
    await writeFile(file, `${text()}\n`);
  } catch (error) {
    ctx.options.stderr(`error: ${flag} ${file}: cannot write (${(error as Error).message})\n`);
    if (ctx.exitCode === K6_EXIT.ok) ctx.exitCode = OUTPUT_EXIT;
  }
}

/** Thresholds' verdict, the exported files, and the summary (the script's or k6's text). */
export async function writeSummary(ctx: RunContext, input: SummaryInput): Promise<void> {
  const { options, registry, rootGroup } = ctx;
  const { facts, plan, check, outStream } = input;
  judgeThresholds(ctx, check, facts.durationMs);
  const redactor = redactorFor(options.redact);
  // Redacted before anything sees it: the summary export, handleSummary and the text summary
  // name sub-metrics by their tags (a `url` tag holds a whole URL). setup()'s data goes back to
  // the script's handleSummary as setup() returned it: it is the script's own value.
  const built = buildSummaryData({
    registry,
    rootGroup,
    thresholds: plan.thresholds,
    failed: check.failed,
    trendStats: options.trendStats ?? scriptTrendStats(plan.scriptOptions) ?? DEFAULT_TREND_STATS,
    durationMs: facts.durationMs,
    setupData: input.setupData,
    noColor: options.noColor ?? false,
  });
  const redacted = redactor.deep(built);
  const data: SummaryData =
    input.setupData === undefined ? redacted : { ...redacted, setup_data: input.setupData };
  const engineLine = engineLineOf(input);
  if (options.summaryExport)
    await writeOutput(ctx, "--summary-export", options.summaryExport, () =>
      JSON.stringify(toLegacyExport(redacted), null, 4),
    );
  if (options.hdrOut)
    await writeOutput(ctx, "--hdr-out", options.hdrOut, () =>
      JSON.stringify(redactKeys(encodeHistograms(registry), redactor)),
    );
  await new Promise<void>((resolve) => (outStream ? outStream.end(resolve) : resolve()));
  let printedDefault = false;
  const { exports } = input.prepared.first;
  if (typeof exports.handleSummary === "function") {
    printedDefault = await handleSummary(ctx, exports, data, engineLine);
  } else if (!options.noSummary) {
    options.stdout(renderTextSummary(data, engineLine));
    printedDefault = true;
  }
  if (!printedDefault) options.stdout(`     ${engineLine}\n`);
}
