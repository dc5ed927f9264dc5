import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let gc: (() => void) | undefined;

/**
 * A full GC, for the test-only heap reading: heap used right after a GC is the number a leak
 * detector can trust. Uses the exposed `gc` when the app runs with --expose-gc, else turns the
 * flag on at run time (a fresh context then sees `gc`), so the app needs no special launch.
 */
export function collectGarbage(): void {
  if (!gc) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) gc = exposed;
    else {
      setFlagsFromString("--expose-gc");
      gc = runInNewContext("gc") as () => void;
    }
  }
  gc();
}
