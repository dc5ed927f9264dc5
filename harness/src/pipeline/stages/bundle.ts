import { readFile } from "node:fs/promises";
import path from "node:path";
import { normalizeBundle } from "../../adapters/bundle.ts";
import { runBundleCommand } from "../../runners/bundle.ts";
import { EXIT, HarnessError } from "../../schema/index.ts";
import { judgeBundleBudgets, parseBundleBudgets } from "../../verdicts/budgets.ts";
import type { LoadContext } from "../load-context.ts";
import type { Stage } from "../stage.ts";

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
  skip: ({ profile, bundle }) =>
    !bundle
      ? "not configured: no bundle in perfgate.config.ts"
      : profile.bundle === false
        ? "not configured in this profile"
        : undefined,
  describe: ({ bundle }) =>
    `bundle: \`${bundle?.command}\`, then its JavaScript measured${bundle?.budgets ? ` and judged against ${bundle.budgets}` : ""}`,
  async run(context) {
    context.bundleOk = false;
    const config = context.bundle as NonNullable<LoadContext["bundle"]>;
    const budgets = config.budgets ? await readBudgets(context.root, config.budgets) : undefined;
    const dist = path.join(context.rawDir, "bundle", "dist");
    const { raw } = await runBundleCommand(context.root, config, dist, context.signal);
    const suite = normalizeBundle(raw, budgets?.initialRoute ?? "");
    context.bundleOk = suite.status === "ok";
    return { suites: [suite], verdicts: budgets ? judgeBundleBudgets(suite, budgets) : [] };
  },
};
