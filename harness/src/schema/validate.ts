import type { z } from "zod";
import { EXIT, HarnessError } from "./errors.ts";
import { RunResult, SCHEMA_VERSION } from "./run-result.ts";

/** `suites[0].metrics[2].unit` from a zod issue path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(root)" : out;
}

/** Every problem at once, one per line, each naming its field. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
}

/**
 * Validate anything that claims to be a run record. `source` names the file (or stage) in the
 * error so the user knows where to look. Unknown major versions are refused before field checks.
 */
export function parseRunResult(data: unknown, source: string): RunResult {
  if (typeof data === "object" && data !== null && "schemaVersion" in data) {
    const version = (data as { schemaVersion: unknown }).schemaVersion;
    if (version !== SCHEMA_VERSION) {
      throw new HarnessError(
        "E_SCHEMA_VERSION",
        `${source}: schemaVersion ${JSON.stringify(version)} is not supported (this perfgate reads ${SCHEMA_VERSION})`,
        {
          hint: "upgrade perfgate to read newer records, or regenerate the record with this version",
          exitCode: EXIT.schema,
        },
      );
    }
  }
  const result = RunResult.safeParse(data);
  if (!result.success) {
    const lines = formatIssues(result.error.issues);
    throw new HarnessError("E_SCHEMA", `${source}: invalid run record\n  ${lines.join("\n  ")}`, {
      hint: "fix the named fields; the JSON Schema is harness/src/schema/run-result.schema.json",
      exitCode: EXIT.schema,
    });
  }
  return result.data;
}
