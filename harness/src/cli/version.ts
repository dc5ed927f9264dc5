import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * The harness package's version, from its package.json: two folders up from the sources
 * (src/cli/), one from the compiled bin (dist/). Found by name so either layout works.
 */
export function harnessVersion(from: string = import.meta.dirname): string {
  for (let dir = from; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
    if (pkg.name === "perfgate" && pkg.version) return pkg.version;
  }
  return "unknown";
}
