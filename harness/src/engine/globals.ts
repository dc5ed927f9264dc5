import { makeOpen } from "./script.ts";
import { currentVu } from "./state.ts";

/** k6's script globals: `__ENV`, `__VU` and `__ITER` of the running VU, and `open()`. */
export function installGlobals(env: Record<string, string>, scriptDir: string): void {
  const g = globalThis as Record<string, unknown>;
  g.__ENV = env;
  Object.defineProperty(globalThis, "__VU", {
    configurable: true,
    get: () => currentVu()?.vu ?? 0,
  });
  Object.defineProperty(globalThis, "__ITER", {
    configurable: true,
    get: () => currentVu()?.iter ?? 0,
  });
  g.open = makeOpen(scriptDir);
}
