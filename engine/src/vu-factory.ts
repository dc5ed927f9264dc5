import { readFile } from "node:fs/promises";
import vm from "node:vm";

/**
 * A compiled script as one function that runs its init context: compiled once per thread, then
 * called once per VU, so each VU gets its own module-level state (as in k6) without its own
 * copy of the module to read, parse and compile. Importing the ES module once per VU cost ~1.7
 * CPU-seconds and ~100 MB for 1,000 VUs (`npm run bench:engine`, 1,000-VU passes).
 */
type Factory = (
  exports: Record<string, unknown>,
  require: (specifier: string) => unknown,
  module: { exports: Record<string, unknown> },
) => void;

interface Loaded {
  factory: Factory;
  require: (specifier: string) => unknown;
}

const loaded = new Map<string, Promise<Loaded>>();

/** The k6 shims the script requires, imported once (ES modules) and handed over as CommonJS. */
async function load(file: string): Promise<Loaded> {
  const source = await readFile(file, "utf8");
  const shims = new Map<string, unknown>();
  for (const [, specifier] of source.matchAll(/require\("(file:[^"]+)"\)/g)) {
    if (!specifier || shims.has(specifier)) continue;
    const namespace = (await import(specifier)) as Record<string, unknown>;
    // esbuild's __toESM keeps an object marked __esModule as is: `default` and named exports.
    shims.set(specifier, { __esModule: true, ...namespace });
  }
  const require = (specifier: string) => {
    if (!shims.has(specifier))
      throw new Error(`the script requires "${specifier}", not a k6 module`);
    return shims.get(specifier);
  };
  // Same line as the script's first: line numbers in stack traces stay the bundle's.
  const wrapped = `(function (exports, require, module) {"use strict";${source}\n})`;
  const factory = new vm.Script(wrapped, { filename: file }).runInThisContext() as Factory;
  return { factory, require };
}

/** Runs the init context of a fresh VU and returns its exports. */
export async function instantiate(file: string): Promise<Record<string, unknown>> {
  let pending = loaded.get(file);
  if (!pending) {
    pending = load(file);
    loaded.set(file, pending);
  }
  const { factory, require } = await pending;
  const module = { exports: {} as Record<string, unknown> };
  factory(module.exports, require, module);
  return module.exports;
}
