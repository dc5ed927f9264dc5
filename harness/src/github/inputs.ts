import { readFile } from "node:fs/promises";
import { z } from "zod";
import { EXIT, HarnessError, Verdict } from "../schema/index.ts";

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
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
      .join("; ");
    throw new HarnessError("E_SCHEMA", `--verdicts ${file} holds no valid verdicts: ${problems}`, {
      hint: "pass comparison.json from npm run compare, a run.json, or a JSON array of verdicts",
      exitCode: EXIT.schema,
    });
  }
  return Array.isArray(parsed.data) ? parsed.data : parsed.data.verdicts;
}
