import { existsSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { z } from "zod";
import { EXIT, formatIssues, HarnessError, Verdict } from "../schema/index.ts";

/** Reads a UTF-8 input file, or a usage error naming the flag and the file. */
export async function readInput(file: string, flag: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (cause) {
    throw new HarnessError("E_USAGE", `${flag} ${file}: ${(cause as Error).message}`, {
      hint: `${flag} names a file written by an earlier step (e.g. npm run compare)`,
      exitCode: EXIT.usage,
      cause,
    });
  }
}

// A comparison record, a run record, or a bare list: all carry their verdicts the same way. The
// shape is picked first so schema errors name paths inside it, not "invalid union".
const VerdictList = z.array(Verdict);
const WithVerdicts = z.object({ verdicts: VerdictList }).loose();

/**
 * Verdicts from a JSON file: a `Verdict[]`, or any record with a `verdicts` array (the
 * comparison record of `npm run compare`, a run record). Every schema problem is listed at once.
 */
export async function readVerdicts(file: string): Promise<Verdict[]> {
  const text = await readInput(file, "--verdicts");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new HarnessError(
      "E_SCHEMA",
      `--verdicts ${file} is not JSON: ${(cause as Error).message}`,
      {
        exitCode: EXIT.schema,
        cause,
      },
    );
  }
  const parsed = Array.isArray(json) ? VerdictList.safeParse(json) : WithVerdicts.safeParse(json);
  if (!parsed.success) {
    const problems = formatIssues(parsed.error.issues).join("; ");
    throw new HarnessError("E_SCHEMA", `--verdicts ${file} holds no valid verdicts: ${problems}`, {
      hint: "pass comparison.json from npm run compare, a run.json, or a JSON array of verdicts",
      exitCode: EXIT.schema,
    });
  }
  return Array.isArray(parsed.data) ? parsed.data : parsed.data.verdicts;
}

/** The two files `npm run compare` writes per comparison. */
export interface ComparisonFiles {
  markdown: string;
  verdicts: string;
}

/**
 * Finds the comparison to publish under `dir`: `dir` itself when it holds `comparison.json`,
 * else its most recently written `<id>/comparison.json` (compare names its folder by run id,
 * which a workflow cannot know in advance).
 */
export async function locateComparison(dir: string): Promise<ComparisonFiles> {
  const inside = (folder: string) => ({
    markdown: join(folder, "comparison.md"),
    verdicts: join(folder, "comparison.json"),
  });
  if (existsSync(join(dir, "comparison.json"))) return inside(dir);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const candidates = await Promise.all(
    entries
      .filter((entry) => entry.isDirectory())
      .map(async (entry) => {
        const files = inside(join(dir, entry.name));
        const info = await stat(files.verdicts).catch(() => undefined);
        return info ? { files, mtime: info.mtimeMs } : undefined;
      }),
  );
  const newest = candidates.filter((c) => c !== undefined).sort((a, b) => b.mtime - a.mtime)[0];
  if (!newest) {
    throw new HarnessError("E_USAGE", `no comparison.json in ${dir} or its subfolders`, {
      hint: "run `npm run compare -- --base <ref>` first (it writes .perf/compare/<id>/comparison.json and comparison.md)",
      exitCode: EXIT.usage,
    });
  }
  return newest.files;
}

/**
 * The comparison to publish: the newest one under `compareDir`, else the `markdown` file and
 * its optional `verdicts` file, resolved against `cwd`.
 */
export async function readPublishInputs(
  cwd: string,
  files: {
    compareDir?: string | undefined;
    markdown?: string | undefined;
    verdicts?: string | undefined;
  },
): Promise<{ markdown: string; verdicts: Verdict[] }> {
  const found = files.compareDir
    ? await locateComparison(resolve(cwd, files.compareDir))
    : undefined;
  const markdownFile = found?.markdown ?? files.markdown;
  if (markdownFile === undefined) {
    throw new HarnessError("E_USAGE", "github publish: --markdown or --compare-dir is required", {
      hint: "run `perfgate github --help`",
      exitCode: EXIT.usage,
    });
  }
  const verdictsFile = found?.verdicts ?? files.verdicts;
  const [markdown, verdicts] = await Promise.all([
    readInput(resolve(cwd, markdownFile), "--markdown"),
    verdictsFile ? readVerdicts(resolve(cwd, verdictsFile)) : [],
  ]);
  return { markdown, verdicts };
}
