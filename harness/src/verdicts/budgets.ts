import { z } from "zod";
import { EXIT, formatIssues, HarnessError, type Suite, type Verdict } from "../schema/index.ts";

/** `lhci/bundle-budgets.json`: size budgets of the web build, config-as-code. */
export const BundleBudgets = z
  .object({
    /** The route whose chunks count as initial JavaScript (matched against chunk sources). */
    initialRoute: z.string().min(1),
    initialJsGzipMaxBytes: z.number().int().positive(),
    lazyChunkMinBytes: z.number().int().nonnegative(),
    lazyChunkMaxBytes: z.number().int().positive(),
    /** Chunks allowed outside the lazy-chunk range, each with the reason. */
    exceptions: z.array(
      z.object({ chunk: z.string().min(1), reason: z.string().min(10) }).strict(),
    ),
  })
  .strict()
  .refine((b) => b.lazyChunkMinBytes < b.lazyChunkMaxBytes, {
    message: "lazyChunkMinBytes must be below lazyChunkMaxBytes",
    path: ["lazyChunkMinBytes"],
  });
export type BundleBudgets = z.infer<typeof BundleBudgets>;

export function parseBundleBudgets(data: unknown, source: string): BundleBudgets {
  const parsed = BundleBudgets.safeParse(data);
  if (!parsed.success) {
    throw new HarnessError(
      "E_CONFIG",
      `${source}: invalid bundle budgets\n  ${formatIssues(parsed.error.issues).join("\n  ")}`,
      {
        hint: "fix the named fields; see lhci/bundle-budgets.json for the shape",
        exitCode: EXIT.usage,
      },
    );
  }
  return parsed.data;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Bundle budgets as verdicts: the initial-route gzip total, and every lazy chunk's raw size. Pure. */
export function judgeBundleBudgets(suite: Suite, budgets: BundleBudgets): Verdict[] {
  const verdicts: Verdict[] = [];
  const initial = suite.metrics.find((m) => m.id === "initial_js.gzip")?.value ?? 0;
  verdicts.push({
    suite: suite.id,
    metric: "initial_js.gzip",
    source: "budget",
    level: "error",
    status: initial <= budgets.initialJsGzipMaxBytes ? "pass" : "fail",
    rule: `<= ${kb(budgets.initialJsGzipMaxBytes)}`,
    actual: initial,
    message: `initial-route JavaScript is ${kb(initial)} gzip (budget ${kb(budgets.initialJsGzipMaxBytes)})`,
  });
  for (const metric of suite.metrics) {
    const kind = metric.tags?.kind;
    // Entry and initial-route chunks are held by the initial-JS budget instead.
    if (
      !metric.id.endsWith(".raw") ||
      !metric.tags?.chunk ||
      kind === "entry" ||
      kind === "initial"
    )
      continue;
    const chunk = metric.tags.chunk;
    const size = metric.value ?? 0;
    const exception = budgets.exceptions.find((e) => e.chunk === chunk);
    const within = size >= budgets.lazyChunkMinBytes && size <= budgets.lazyChunkMaxBytes;
    const rule = `${kb(budgets.lazyChunkMinBytes)}–${kb(budgets.lazyChunkMaxBytes)} raw`;
    verdicts.push({
      suite: suite.id,
      metric: metric.id,
      source: "budget",
      level: "error",
      status: within ? "pass" : exception ? "skip" : "fail",
      rule: exception && !within ? `exception: ${exception.reason}` : rule,
      actual: size,
      message: within
        ? `${chunk} is ${kb(size)} (${rule})`
        : exception
          ? `${chunk} is ${kb(size)}, outside ${rule}, allowed: ${exception.reason}`
          : `${chunk} is ${kb(size)}, outside ${rule}; split or merge it, or list it in lhci/bundle-budgets.json exceptions with a reason`,
    });
  }
  return verdicts;
}
