import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

/** What `perfgate init` did with one file. */
export interface InitFileOutcome {
  file: string;
  action: "wrote" | "kept" | "kept-different";
}

/**
 * Write the init files under `cwd`. An existing file is kept unless `force` (and always when it
 * already holds the same text), so a second `init` changes nothing.
 */
export async function writeInitFiles(
  cwd: string,
  files: Record<string, string>,
  force: boolean,
): Promise<InitFileOutcome[]> {
  const outcomes: InitFileOutcome[] = [];
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(cwd, file);
    if (existsSync(target)) {
      const same = (await readFile(target, "utf8")) === content;
      if (same || !force) {
        outcomes.push({ file, action: same ? "kept" : "kept-different" });
        continue;
      }
    }
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
    outcomes.push({ file, action: "wrote" });
  }
  return outcomes;
}
