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
 * A run record's text (a file's contents): JSON that does not parse (a truncated write, a merge
 * conflict) is a schema error naming the file, exit 4, like a record with a wrong field.
 */
export function parseRunJson(text: string, source: string): RunResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new HarnessError(
      "E_SCHEMA",
      `${source}: not a run record: ${(cause as Error).message} (${text.length} bytes; truncated?)`,
      {
        hint: "restore the file from git (`git checkout -- <file>`) or delete the run folder",
        exitCode: EXIT.schema,
        cause,
      },
    );
  }
  return parseRunResult(data, source);
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

/**
 * A JSON config file's text checked against its zod schema: a syntax error or every bad field
 * at once, naming the file, with `hint` saying where its fields are described.
 */
export function parseConfigJson<T extends z.ZodType>(
  schema: T,
  text: string,
  file: string,
  hint: string,
): z.output<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new HarnessError("E_CONFIG", `${file}: not valid JSON (${(cause as Error).message})`, {
      exitCode: EXIT.usage,
      cause,
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new HarnessError("E_CONFIG", `${file}: ${formatIssues(parsed.error.issues).join("; ")}`, {
      hint,
      exitCode: EXIT.usage,
    });
  }
  return parsed.data;
}
