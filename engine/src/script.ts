import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Message } from "esbuild";
import { remoteModules } from "./remote-modules.ts";

/** The k6 modules the built-in engine provides, as file URLs of their shims. */
const MODULES: Record<string, string> = {
  k6: "modules/k6.ts",
  "k6/http": "modules/http.ts",
  "k6/metrics": "modules/metrics.ts",
  "k6/execution": "modules/execution.ts",
  "k6/data": "modules/data.ts",
  "k6/crypto": "modules/crypto.ts",
  "k6/encoding": "modules/encoding.ts",
  "k6/html": "modules/html.ts",
};

/**
 * async: many VUs multiplexed on one thread (`await http.get()`); sync: one thread per VU that
 * blocks on each call, for scripts written against k6's synchronous API.
 */
export type EngineMode = "async" | "sync";

/**
 * Sync mode is needed when any k6/http call is not awaited (`const res = http.get(url)`), which
 * is how most k6 scripts are written. Reads the compiled async-mode module.
 */
export function detectMode(compiledSource: string): EngineMode {
  const httpImport =
    /import\s+(?:(\w+)\s*,?\s*)?(?:\{([^}]*)\})?\s*from\s*"[^"]*\/modules\/http\.ts"/g;
  const callees: string[] = [];
  for (const match of compiledSource.matchAll(httpImport)) {
    if (match[1])
      callees.push(`${match[1]}\\.(?:get|head|post|put|patch|del|options|request|batch)`);
    for (const spec of (match[2] ?? "").split(",")) {
      const [imported = "", local = imported] = spec.trim().split(/\s+as\s+/);
      if (/^(get|head|post|put|patch|del|options|request|batch)$/.test(imported.trim()))
        callees.push(local.trim());
    }
  }
  for (const callee of callees) {
    for (const call of compiledSource.matchAll(
      new RegExp(`(\\bawait\\s+)?\\b${callee}\\s*\\(`, "g"),
    )) {
      if (!call[1]) return "sync";
    }
  }
  return "async";
}

/**
 * k6 APIs the engine does not provide, found in the compiled script: refused at start (exit
 * 107) rather than answering `undefined` while the test runs.
 */
const MISSING_APIS: [RegExp, string][] = [
  [
    /\.scenario\.progress\b/,
    "k6/execution's exec.scenario.progress is not provided by the built-in engine; compute progress from exec.scenario.iterationInTest or run with real k6",
  ],
  [
    /\.metrics\.metadata\b/,
    "k6/execution's exec.vu.metrics.metadata is not provided by the built-in engine; use exec.vu.metrics.tags or run with real k6",
  ],
];

/** The missing k6 APIs a compiled script uses, each with what to use instead. */
export function missingApis(compiledSource: string): string[] {
  return MISSING_APIS.filter(([pattern]) => pattern.test(compiledSource)).map(([, why]) => why);
}

export class ScriptError extends Error {
  override readonly name = "ScriptError";
}

function describe(message: Message): string {
  const where = message.location
    ? `${message.location.file}:${message.location.line}:${message.location.column}: `
    : "";
  return `${where}${message.text}`;
}

/**
 * Compile a k6 script (TS or JS, bundled or not) into a Node ES module whose `k6/*` imports
 * point at the engine's shims. Unsupported k6 modules fail here, before any VU starts.
 */
export async function compileScript(script: string, mode: EngineMode = "async"): Promise<string> {
  const outDir = await mkdtemp(path.join(os.tmpdir(), "perfgate-engine-"));
  const outFile = path.join(outDir, `script.${mode}.mjs`);
  const modules = mode === "sync" ? { ...MODULES, "k6/http": "modules/http-sync.ts" } : MODULES;
  try {
    await build({
      entryPoints: [path.resolve(script)],
      outfile: outFile,
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      logLevel: "silent",
      sourcemap: "inline",
      plugins: [
        {
          name: "k6-modules",
          setup(builder) {
            builder.onResolve({ filter: /^k6(\/.*)?$/ }, (args) => {
              const shim = modules[args.path];
              if (!shim) {
                return {
                  errors: [
                    {
                      text: `module "${args.path}" is not supported by the built-in engine (supported: ${Object.keys(MODULES).join(", ")}); run this script with real k6 (K6_PATH)`,
                    },
                  ],
                };
              }
              return {
                path: pathToFileURL(path.join(import.meta.dirname, shim)).href,
                external: true,
              };
            });
          },
        },
        remoteModules(path.dirname(path.resolve(script))),
      ],
    });
  } catch (cause) {
    const errors = (cause as { errors?: Message[] }).errors ?? [];
    throw new ScriptError(errors.length > 0 ? errors.map(describe).join("\n") : String(cause));
  }
  return outFile;
}

/** `open(path)` of the init context: files relative to the script, text or binary ("b"). */
export function makeOpen(scriptDir: string) {
  return (file: string, mode?: string): string | ArrayBuffer => {
    const resolved = path.resolve(scriptDir, file);
    const data = readFileSync(resolved);
    return mode === "b"
      ? data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)
      : data.toString("utf8");
  };
}
