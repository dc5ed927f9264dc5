import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { normalizeBundle } from "../adapters/bundle.ts";
import { runBundleBuild } from "../runners/bundle.ts";
import { EXIT, HarnessError, type Suite, type Verdict } from "../schema/index.ts";
import { judgeBundleBudgets, parseBundleBudgets } from "../verdicts/budgets.ts";

export const BUDGETS_FILE = "lhci/bundle-budgets.json";

/** Build app/web, measure its chunks and judge them against `lhci/bundle-budgets.json`. */
export async function runBundleStage(
  root: string,
  rawDir: string,
  signal?: AbortSignal,
): Promise<{ suite: Suite; verdicts: Verdict[] } | undefined> {
  if (!existsSync(path.join(root, "app/web/vite.config.ts"))) return undefined;
  const budgetsFile = path.join(root, BUDGETS_FILE);
  let budgetsJson: unknown;
  try {
    budgetsJson = JSON.parse(await readFile(budgetsFile, "utf8"));
  } catch (cause) {
    throw new HarnessError(
      "E_CONFIG",
      `${BUDGETS_FILE}: cannot read (${(cause as Error).message})`,
      {
        hint: "restore the file from git; it holds the bundle budgets",
        exitCode: EXIT.usage,
        cause,
      },
    );
  }
  const budgets = parseBundleBudgets(budgetsJson, BUDGETS_FILE);
  const raw = await runBundleBuild(root, path.join(rawDir, "bundle", "dist"), signal);
  const suite = normalizeBundle(raw, budgets.initialRoute);
  return { suite, verdicts: judgeBundleBudgets(suite, budgets) };
}
