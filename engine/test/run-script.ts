import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { type EngineRunOptions, runEngine } from "../src/run.ts";

/**
 * Writes `source` to `<dir>/<name>.js` and runs it in this process on the engine with a
 * `--summary-export` (`<dir>/<name>.summary.json` unless `options` names one), `BASE_URL` set,
 * stdout and stderr captured. A summary left by an earlier run of the same name is removed first.
 */
export async function runScript(
  dir: string,
  name: string,
  source: string,
  options: Partial<EngineRunOptions> & { baseUrl?: string } = {},
) {
  const { baseUrl, ...engineOptions } = options;
  const script = path.join(dir, `${name}.js`);
  await writeFile(script, source);
  const summaryExport = options.summaryExport ?? path.join(dir, `${name}.summary.json`);
  await rm(summaryExport, { force: true });
  let stdout = "";
  let stderr = "";
  const code = await runEngine({
    script,
    env: baseUrl ? { BASE_URL: baseUrl } : {},
    overrides: {},
    signal: new AbortController().signal,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    ...engineOptions,
    summaryExport,
  });
  // The summary export read loosely, as k6's JSON; undefined when the run wrote none.
  const summary = existsSync(summaryExport)
    ? JSON.parse(await readFile(summaryExport, "utf8"))
    : undefined;
  return { code, stdout, stderr, summary };
}
