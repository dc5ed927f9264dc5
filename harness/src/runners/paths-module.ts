import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { EXIT, HarnessError } from "../schema/index.ts";
import { sourceConditions } from "./source-conditions.ts";

/** What a request-path generator module receives: a seed (both sides of a compare replay it). */
export interface PathsModuleOptions {
  seed: number;
  count: number;
  env: Record<string, string | undefined>;
}

export type PathsGenerator = (options: PathsModuleOptions) => string[];

/**
 * Load the request paths of an endpoint pass from a module of the user's repository (its
 * default export), bundled by esbuild first so TypeScript and its imports work without tsx.
 * The harness never imports a repository's scenarios: it runs them, like any input.
 */
export async function loadPathsModule(
  root: string,
  file: string,
  outDir: string,
): Promise<PathsGenerator> {
  const outfile = path.join(outDir, `${path.basename(file).replace(/\.[cm]?[jt]s$/, "")}.mjs`);
  try {
    await build({
      entryPoints: [path.resolve(root, file)],
      outfile,
      bundle: true,
      format: "esm",
      platform: "node",
      logLevel: "silent",
      ...sourceConditions,
    });
  } catch (cause) {
    throw new HarnessError("E_PATHS_MODULE", `${file}: cannot bundle the paths module`, {
      hint: "check the path and that the module compiles (`npx tsc --noEmit`)",
      exitCode: EXIT.usage,
      cause,
    });
  }
  const module = (await import(pathToFileURL(outfile).href)) as { default?: unknown };
  if (typeof module.default !== "function") {
    throw new HarnessError("E_PATHS_MODULE", `${file}: has no default export function`, {
      hint: "export default ({ seed, count, env }) => string[] (request paths, in order)",
      exitCode: EXIT.usage,
    });
  }
  return module.default as PathsGenerator;
}
