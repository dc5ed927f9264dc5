import { existsSync } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Message, type Plugin } from "esbuild";
import type { PerfgateConfig } from "../schema/config.ts";
import { EXIT, HarnessError } from "../schema/errors.ts";
import { parseConfig } from "./parse.ts";

/** Looked up in this order in the working directory. */
export const CONFIG_FILES = [
  "perfgate.config.ts",
  "perfgate.config.mts",
  "perfgate.config.js",
  "perfgate.config.mjs",
  "perfgate.config.json",
] as const;

export interface LoadedConfig {
  config: PerfgateConfig;
  /** The config file, absolute. */
  file: string;
  /** Its folder: relative paths of the config resolve against it. */
  root: string;
}

/** The config file in `dir`, or undefined when there is none. */
export function findConfigFile(dir: string): string | undefined {
  for (const name of CONFIG_FILES) {
    const file = path.join(dir, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** The project's config: `file` (relative to `cwd`), else the one in `cwd`, else undefined. */
export async function findProjectConfig(
  cwd: string,
  file?: string,
): Promise<LoadedConfig | undefined> {
  const found = file === undefined ? findConfigFile(cwd) : path.resolve(cwd, file);
  return found === undefined ? undefined : loadConfig(found);
}

/** Like `findProjectConfig`, for a command that cannot run without one. */
export async function requireProjectConfig(
  command: string,
  cwd: string,
  file?: string,
): Promise<LoadedConfig> {
  const loaded = await findProjectConfig(cwd, file);
  if (loaded) return loaded;
  throw new HarnessError("E_NO_CONFIG", `${command}: no perfgate.config.ts in ${cwd}`, {
    hint: "run `npx perfgate init` to write one, or pass --config <file>",
    exitCode: EXIT.usage,
  });
}

/**
 * Read, run and validate a config file. A `.ts` config is bundled with esbuild into `.perf/`
 * (npm imports such as `perfgate` stay imports, resolved from the project) and imported.
 */
export async function loadConfig(file: string): Promise<LoadedConfig> {
  const absolute = path.resolve(file);
  const root = path.dirname(absolute);
  const shown = path.basename(absolute);
  if (!existsSync(absolute)) {
    throw new HarnessError("E_CONFIG", `${file}: no such config file`, {
      hint: "run `npx perfgate init` to write one, or pass --config <file>",
      exitCode: EXIT.usage,
    });
  }
  let data: unknown;
  if (absolute.endsWith(".json")) {
    try {
      data = JSON.parse(await readFile(absolute, "utf8"));
    } catch (cause) {
      throw new HarnessError("E_CONFIG", `${shown}: not JSON (${(cause as Error).message})`, {
        exitCode: EXIT.usage,
        cause,
      });
    }
  } else {
    const module = await importConfigModule(absolute, root);
    data = (module as { default?: unknown }).default;
    if (data === undefined) {
      throw new HarnessError("E_CONFIG", `${shown}: has no default export`, {
        hint: "export default defineConfig({ ... })",
        exitCode: EXIT.usage,
      });
    }
  }
  return { config: parseConfig(data, shown), file: absolute, root };
}

/**
 * `import { defineConfig } from "perfgate"` in a config is answered by the running perfgate
 * itself, not by whatever `perfgate` the project's node_modules holds (or lacks): defineConfig
 * only types the object, so the config runs the same from any install.
 */
const PERFGATE_IMPORT: Plugin = {
  name: "perfgate-config-import",
  setup(builder) {
    builder.onResolve({ filter: /^perfgate$/ }, () => ({
      path: "perfgate",
      namespace: "perfgate",
    }));
    builder.onLoad({ filter: /.*/, namespace: "perfgate" }, () => ({
      contents: "export function defineConfig(config) { return config; }",
      loader: "js",
    }));
  },
};

async function importConfigModule(file: string, root: string): Promise<unknown> {
  let entry = file;
  if (/\.m?ts$/.test(file)) {
    const outDir = path.join(root, ".perf", "config");
    await mkdir(outDir, { recursive: true });
    entry = path.join(outDir, `${path.basename(file).replace(/\.m?ts$/, "")}.${Date.now()}.mjs`);
    try {
      await build({
        entryPoints: [file],
        outfile: entry,
        bundle: true,
        format: "esm",
        platform: "node",
        target: `node${process.versions.node}`,
        packages: "external",
        logLevel: "silent",
        plugins: [PERFGATE_IMPORT],
      });
    } catch (cause) {
      const errors = (cause as { errors?: Message[] }).errors ?? [];
      const lines = errors.map(
        (m) => `${m.location ? `${m.location.file}:${m.location.line}: ` : ""}${m.text}`,
      );
      throw new HarnessError(
        "E_CONFIG",
        `${path.basename(file)}: cannot compile\n  ${lines.join("\n  ") || String(cause)}`,
        { exitCode: EXIT.usage, cause },
      );
    }
  }
  try {
    return await import(pathToFileURL(entry).href);
  } catch (cause) {
    throw new HarnessError(
      "E_CONFIG",
      `${path.basename(file)}: failed while loading: ${(cause as Error).message}`,
      {
        hint: "a config file only builds an object; check its imports",
        exitCode: EXIT.usage,
        cause,
      },
    );
  } finally {
    // Each load compiles to a fresh name (the module cache keys on it); keep none behind.
    if (entry !== file) await rm(entry, { force: true });
  }
}

/**
 * Where a command that reads history finds it, and what it redacts: `--reports-dir` wins, then
 * the config's `reportsDir` (against the config's folder), then `reports`; the config's `redact`
 * names either way, so a name added after a run was committed is hidden in every page since.
 */
export async function projectReports(cwd: string, flag: string | undefined) {
  const loaded = await findProjectConfig(cwd);
  const reportsDir = flag
    ? path.resolve(cwd, flag)
    : path.resolve(loaded?.root ?? cwd, loaded?.config.reportsDir ?? "reports");
  return { reportsDir, redact: loaded?.config.redact ?? [] };
}
