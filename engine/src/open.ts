import { readFileSync } from "node:fs";
import path from "node:path";

// Its own module, not script.ts: every VU thread needs `open()`, and script.ts loads esbuild
// and the compiler (~0.7 s of module loading per thread on a loaded 2-core machine).

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
