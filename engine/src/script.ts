import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { build, type Message, transform } from "esbuild";
import { compileForAsync, guardLoops } from "./compile/rewrite.ts";
import { engineUrl } from "./paths.ts";
import { remoteModules } from "./remote-modules.ts";

/** The k6 modules the built-in engine provides, as file URLs of their shims. */
const MODULES: Record<string, string> = {
  k6: "modules/k6",
  "k6/http": "modules/http",
  "k6/metrics": "modules/metrics",
  "k6/execution": "modules/execution",
  "k6/data": "modules/data",
  "k6/crypto": "modules/crypto",
  "k6/encoding": "modules/encoding",
  "k6/html": "modules/html",
};

/**
 * async: an async-style script, many VUs multiplexed on a thread (`await http.get()`);
 * compiled: a script in k6's blocking style compiled to async (compile/rewrite.ts), run like
 * async; sync: one thread per VU that blocks on each call, for the blocking-style scripts the
 * compile step cannot prove.
 */
export type EngineMode = "async" | "compiled" | "sync";

const RUNTIME_URL = engineUrl("modules/runtime");

/** Line and column (1-based) of an offset, and the code there, for messages. */
function locate(source: string, at: number): string {
  const before = source.slice(0, at);
  const line = before.split("\n").length;
  const column = at - before.lastIndexOf("\n");
  const snippet = source.slice(at, at + 60).split("\n")[0];
  return `bundle line ${line}:${column}: \`${snippet}\``;
}

/** The mode of a compiled async-mode bundle, and why blocking style fell back to threads. */
export function detectMode(bundle: string): { mode: EngineMode; fallback?: string } {
  const compiled = compileForAsync(bundle, RUNTIME_URL);
  if (compiled.unproven)
    return {
      mode: "sync",
      fallback: `${compiled.unproven.reason} (${locate(bundle, compiled.unproven.at)})`,
    };
  return { mode: compiled.syncStyle ? "compiled" : "async" };
}

export interface PreparedScript {
  mode: EngineMode;
  /** The build VU 0 runs, and every VU in async and compiled mode. */
  compiled: string;
  /** The blocking build each VU thread runs in sync mode. */
  syncCompiled: string | undefined;
  /** Why a blocking-style script runs a thread per VU, said at start. */
  fallback: string | undefined;
}

/**
 * Bundles a script and compiles it for its mode: `forced` "sync" keeps blocking-style scripts
 * on a thread per VU; "compiled" and "async" are the default choice (async when the script is
 * already async-style). Every build gets the loop guard that enforces hard stops.
 */
export async function prepareScript(
  script: string,
  forced?: EngineMode | undefined,
): Promise<PreparedScript> {
  const compiled = await compileScript(script);
  const bundle = await readFile(compiled, "utf8");
  const result = compileForAsync(bundle, RUNTIME_URL);
  await writeFile(compiled, result.code);
  let mode: EngineMode = result.unproven ? "sync" : result.syncStyle ? "compiled" : "async";
  if (forced === "sync" && result.syncStyle) mode = "sync";
  const fallback =
    result.unproven && `${result.unproven.reason} (${locate(bundle, result.unproven.at)})`;
  let syncCompiled: string | undefined;
  const factory = await asFactory(compiled, result.code);
  if (mode === "sync") {
    syncCompiled = await compileScript(script, "sync");
    await writeFile(syncCompiled, guardLoops(await readFile(syncCompiled, "utf8"), RUNTIME_URL));
  }
  return { mode, compiled: factory ?? compiled, syncCompiled, fallback: fallback || undefined };
}

/**
 * The compiled module as CommonJS, so each VU runs it from one compiled function
 * (vu-factory.ts); undefined when it cannot be (top-level await), and VUs import the module.
 */
async function asFactory(compiled: string, code: string): Promise<string | undefined> {
  try {
    const cjs = await transform(code, { format: "cjs", platform: "node", target: "node20" });
    const file = compiled.replace(/\.mjs$/, ".cjs");
    await writeFile(file, cjs.code);
    return file;
  } catch {
    return undefined;
  }
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
export async function compileScript(
  script: string,
  mode: "async" | "sync" = "async",
): Promise<string> {
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
      // No inline source map: Node does not apply it without --enable-source-maps, and every VU
      // reads and compiles its own copy of this file.
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
              return { path: engineUrl(shim), external: true };
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
