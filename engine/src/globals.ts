import { makeOpen } from "./open.ts";
import { currentVu } from "./state.ts";

/** k6's script globals: `__ENV`, `__VU` and `__ITER` of the running VU, and `open()`. */
export function installGlobals(env: Record<string, string>, scriptDir: string): void {
  const g = globalThis as Record<string, unknown>;
  defineEnvGlobal(env);
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

/** `__ENV`: the run's variables, with the running scenario's `env` merged over them, as in k6. */
export function defineEnvGlobal(env: Record<string, string>): void {
  Object.defineProperty(globalThis, "__ENV", {
    configurable: true,
    get: () => currentVu()?.env ?? env,
  });
}
