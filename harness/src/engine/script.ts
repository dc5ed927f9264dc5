import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Message } from "esbuild";

/** The k6 modules the built-in engine provides, as file URLs of their shims. */
const MODULES: Record<string, string> = {
  k6: "modules/k6.ts",
  "k6/http": "modules/http.ts",
  "k6/metrics": "modules/metrics.ts",
  "k6/execution": "modules/execution.ts",
  "k6/data": "modules/data.ts",
};

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
export async function compileScript(script: string): Promise<string> {
  const outDir = await mkdtemp(path.join(os.tmpdir(), "perfgate-engine-"));
  const outFile = path.join(outDir, "script.mjs");
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
              const shim = MODULES[args.path];
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
