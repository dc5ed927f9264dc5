import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { normalizeBundle } from "../../adapters/bundle.ts";
import { runBundleBuild } from "../../runners/bundle.ts";
import { EXIT, HarnessError } from "../../schema/index.ts";
import { judgeBundleBudgets, parseBundleBudgets } from "../../verdicts/budgets.ts";
import type { LoadContext } from "../load-context.ts";
import type { Stage } from "../stage.ts";

export const BUDGETS_FILE = "lhci/bundle-budgets.json";
const WEB_CONFIG = "app/web/vite.config.ts";

async function readBudgets(root: string, file: string) {
  try {
    return parseBundleBudgets(JSON.parse(await readFile(path.join(root, file), "utf8")), file);
  } catch (cause) {
    if (cause instanceof HarnessError) throw cause;
    throw new HarnessError("E_CONFIG", `${file}: cannot read (${(cause as Error).message})`, {
      hint: "restore the file from git; it holds the bundle budgets",
      exitCode: EXIT.usage,
      cause,
    });
  }
}

/** Build app/web, measure its chunks and judge them against `lhci/bundle-budgets.json`. */
export const bundleStage: Stage<LoadContext> = {
  id: "bundle",
  unit: { id: "web", kind: "bundle", tool: "vite" },
  skip: ({ profile, root, bundle }) =>
    !bundle
      ? "not configured: no bundle in perfgate.config.ts"
      : profile.bundle === false
        ? "not configured in this profile"
        : existsSync(path.join(root, WEB_CONFIG))
          ? undefined
          : `not configured: no ${WEB_CONFIG}`,
  describe: ({ bundle }) =>
    `bundle: building the web app and judging its chunks against ${bundle?.budgets ?? BUDGETS_FILE}`,
  async run(context) {
    const budgets = await readBudgets(context.root, context.bundle?.budgets ?? BUDGETS_FILE);
    const dist = path.join(context.rawDir, "bundle", "dist");
    const raw = await runBundleBuild(context.root, dist, context.signal);
    const suite = normalizeBundle(raw, budgets.initialRoute);
    // The app serves the web build this run just measured, for the Lighthouse stage.
    context.appEnv.PERFGATE_APP_WEB_DIST = dist;
    return { suites: [suite], verdicts: judgeBundleBudgets(suite, budgets) };
  },
};
