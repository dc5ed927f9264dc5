import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HarnessError } from "./errors.ts";
import { parseRunResult } from "./validate.ts";

const valid = JSON.parse(
  readFileSync(path.join(import.meta.dirname, "../../test/fixtures/runs/minimal-run.json"), "utf8"),
) as Record<string, unknown>;

/** Every path of leaves in a JSON value, e.g. ["suites", 0, "metrics", 1, "value"]. */
function leafPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => leafPaths(item, [...prefix, i]));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([key, inner]) => leafPaths(inner, [...prefix, key]));
  }
  return [prefix];
}

function setAt(root: unknown, at: (string | number)[], replacement: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of at.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[at.at(-1) as string | number] = replacement;
  return copy;
}

const paths = leafPaths(valid);

/** The loader never crashes: it returns a record or throws a HarnessError naming a field. */
function checkLoader(input: unknown): void {
  try {
    parseRunResult(input, "fuzz.json");
  } catch (error) {
    expect(error).toBeInstanceOf(HarnessError);
    const message = (error as HarnessError).message;
    expect(message.startsWith("fuzz.json:")).toBe(true);
    expect(message.length).toBeGreaterThan("fuzz.json: ".length);
  }
}

describe("run-record loader under bad input", () => {
  it("survives arbitrary JSON values", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (input) => checkLoader(input)),
      { numRuns: 300 },
    );
  });

  it("names the mutated field when one leaf of a valid record is replaced", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...paths),
        fc.oneof(fc.string(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer())),
        (at, replacement) => {
          const mutated = setAt(valid, at, replacement);
          try {
            parseRunResult(mutated, "fuzz.json");
          } catch (error) {
            expect(error).toBeInstanceOf(HarnessError);
            if ((error as HarnessError).code === "E_SCHEMA") {
              // The first path element of the mutation must be named in the message.
              expect((error as HarnessError).message).toContain(String(at[0]));
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
