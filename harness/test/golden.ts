import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";

/** Golden files live in `harness/test/golden/`; `npm run golden:update` rewrites them. */
export const GOLDEN_DIR = path.join(import.meta.dirname, "golden");

/**
 * Compare `actual` with a committed golden file. With PERFGATE_UPDATE_GOLDEN=1 the file is
 * rewritten instead, and the diff shows up in review.
 */
export function expectGolden(relativePath: string, actual: string): void {
  const file = path.join(GOLDEN_DIR, relativePath);
  if (process.env.PERFGATE_UPDATE_GOLDEN === "1") {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(file, "utf8");
  } catch {
    throw new Error(
      `golden file ${relativePath} is missing: run \`npm run golden:update\` and review it`,
    );
  }
  expect(actual).toBe(expected);
}
