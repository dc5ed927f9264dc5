import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Message } from "esbuild";
import { engineFile } from "./files.ts";

/** The k6 modules the built-in engine provides, as file URLs of their shims. */
const MODULES: Record<string, string> = {
  k6: "modules/k6",
  "k6/http": "modules/http",
  "k6/metrics": "modules/metrics",
  "k6/execution": "modules/execution",
  "k6/data": "modules/data",
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
    /import\s+(?:(\w+)\s*,?\s*)?(?:\{([^}]*)\})?\s*from\s*"[^"]*\/modules\/http\.(?:ts|js)"/g;
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
  const modules = mode === "sync" ? { ...MODULES, "k6/http": "modules/http-sync" } : MODULES;
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
                path: pathToFileURL(engineFile(shim)).href,
                external: true,
              };
            });
          },
        },
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
