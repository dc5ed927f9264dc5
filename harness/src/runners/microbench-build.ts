import path from "node:path";
import { build, type Message } from "esbuild";
import { EXIT, HarnessError } from "../schema/index.ts";
import { sourceConditions } from "./source-conditions.ts";

// From a clone the worker is this folder's .ts source; in the published package it is
// dist/microbench-worker.js, next to the chunk this module is compiled into.
const WORKER_SOURCE = path.join(
  import.meta.dirname,
  import.meta.url.endsWith(".ts") ? "microbench-worker.ts" : "microbench-worker.js",
);

export interface MicrobenchBuild {
  /** Plain ES module for `node`; mitata and tinybench are inlined so it runs from any root. */
  worker: string;
  /** Suite file -> its built module. */
  suites: Map<string, string>;
}

function describe(message: Message): string {
  const at = message.location ? `${message.location.file}:${message.location.line}: ` : "";
  return `${at}${message.text}`;
}

/**
 * Compiles the worker and the suites (with the app code they import) to plain ES modules once
 * per run, with esbuild, the compiler tsx itself uses. Each of the hundred-odd worker
 * processes then starts on bare `node` instead of registering tsx's loader thread, which cost
 * about 0.5 s a process. npm packages (lru-cache, mnemonist) stay external, so the peers run
 * their published code unchanged.
 */
export async function buildMicrobench(
  suiteFiles: readonly string[],
  outDir: string,
): Promise<MicrobenchBuild> {
  const common = {
    bundle: true,
    format: "esm",
    platform: "node",
    target: `node${process.versions.node}`,
    logLevel: "silent",
    outExtension: { ".js": ".mjs" },
  } as const;
  try {
    await build({
      ...common,
      entryPoints: { "microbench-worker": WORKER_SOURCE },
      outdir: outDir,
      // mitata probes other runtimes' modules behind try/catch.
      external: ["bun:*"],
    });
    await build({
      ...common,
      entryPoints: suiteFiles.map((file) => ({
        in: file,
        out: path.basename(file).replace(/\.ts$/, ""),
      })),
      outdir: outDir,
      packages: "external",
      ...sourceConditions,
    });
  } catch (cause) {
    const errors = (cause as { errors?: Message[] }).errors ?? [];
    throw new HarnessError(
      "E_MICROBENCH_BUILD",
      `bench: cannot compile the suites\n  ${errors.map(describe).join("\n  ") || String(cause)}`,
      {
        hint: "fix the named file; `npx tsc --noEmit` shows the same errors",
        exitCode: EXIT.usage,
        cause,
      },
    );
  }
  return {
    worker: path.join(outDir, "microbench-worker.mjs"),
    suites: new Map(
      suiteFiles.map((file) => [
        file,
        path.join(outDir, path.basename(file).replace(/\.ts$/, ".mjs")),
      ]),
    ),
  };
}
