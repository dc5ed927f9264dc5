import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ENGINE_HELP } from "./cli.ts";
import { OUTPUT_EXIT } from "./output-paths.ts";
import { K6_EXIT } from "./run-context.ts";

/**
 * The exit codes the README and `perfgate-k6 --help` list are the ones the engine returns
 * (setup()/teardown() throwing is k6's 107, script error; 108 is `exec.test.abort()`).
 */
const README = path.join(import.meta.dirname, "../../README.md");

/** The README's paragraph on `perfgate k6 run`'s codes, on one line. */
async function readmeEngineCodes(): Promise<string> {
  const text = await readFile(README, "utf8");
  const start = text.indexOf("`perfgate k6 run` passes k6's own exit codes through");
  expect(start).toBeGreaterThan(-1);
  return text.slice(start, text.indexOf("\n\n", start)).replaceAll("\n", " ");
}

describe("documented engine exit codes", () => {
  const documented: [number, RegExp][] = [
    [K6_EXIT.thresholds, /99 thresholds/],
    [K6_EXIT.invalidConfig, /104 bad options/],
    [K6_EXIT.externalAbort, /105 interrupted/],
    [K6_EXIT.scriptException, /107 script error \([^)]*setup\(?\)?[^)]*teardown/],
    [K6_EXIT.scriptAborted, /108 aborted by the script/],
    [OUTPUT_EXIT, /255 an output file/],
  ];

  it("the README names each code with what returns it", async () => {
    const paragraph = await readmeEngineCodes();
    for (const [code, pattern] of documented) {
      expect(pattern.source.startsWith(String(code))).toBe(true);
      expect(paragraph).toMatch(pattern);
    }
    expect(paragraph).not.toMatch(/108 setup/);
  });

  it("--help says the same", () => {
    const help = ENGINE_HELP.replaceAll("\n", " ");
    expect(help).toMatch(/107 script error \(init, setup or teardown/);
    expect(help).toMatch(/108 aborted by the script/);
    expect(help).toMatch(/255 an output file/);
  });
});
