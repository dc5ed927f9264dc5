import { readdir } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
// errors.ts directly: the schema index loads zod, which every worker would pay for at start.
import { EXIT, HarnessError } from "../schema/errors.ts";

/**
 * The shape of a `microbench/*.bench.ts` default export, checked at runtime: the harness does
 * not import the microbench folder's types (it is user input, like scenarios/).
 */
export interface LoadedCase {
  id: string;
  ops?: number;
  setup: (context: { seed: number }) => LoadedHandle | Promise<LoadedHandle>;
}

export interface LoadedHandle {
  run: () => unknown;
  facts?: () => Record<string, number>;
}

export interface LoadedGroup {
  id: string;
  title: string;
  ops: number;
  baseline: string;
  subject?: string;
  estimator?: "median" | "mean";
  gc?: boolean;
  slow?: boolean;
  cases: LoadedCase[];
}

export interface LoadedSuite {
  id: string;
  title: string;
  groups: LoadedGroup[];
}

const ID = /^[a-z0-9][a-z0-9-]*$/;

function usage(message: string, hint: string): HarnessError {
  return new HarnessError("E_MICROBENCH_SUITE", message, { hint, exitCode: EXIT.usage });
}

/** Validates a suite module's default export, reporting every problem at once. */
export function readSuiteModule(module: unknown, file: string): LoadedSuite {
  const suite = (module as { default?: unknown } | null)?.default as
    | Partial<LoadedSuite>
    | undefined;
  const problems: string[] = [];
  const expectedId = path.basename(file).replace(/\.bench\.m?[jt]s$/, "");
  if (typeof suite !== "object" || suite === null) {
    throw usage(`${file}: no default export`, "export default defineSuite({ id, title, groups })");
  }
  if (suite.id !== expectedId)
    problems.push(`id: expected "${expectedId}" (the file name), got ${JSON.stringify(suite.id)}`);
  if (typeof suite.title !== "string") problems.push("title: expected a string");
  if (!Array.isArray(suite.groups) || suite.groups.length === 0)
    problems.push("groups: expected a non-empty array");
  for (const [g, group] of (Array.isArray(suite.groups) ? suite.groups : []).entries()) {
    const at = `groups[${g}]`;
    if (typeof group?.id !== "string" || !ID.test(group.id))
      problems.push(`${at}.id: expected a kebab-case id`);
    if (typeof group?.title !== "string") problems.push(`${at}.title: expected a string`);
    if (!Number.isInteger(group?.ops) || group.ops < 1)
      problems.push(`${at}.ops: expected a positive integer`);
    if (
      group?.estimator !== undefined &&
      group.estimator !== "median" &&
      group.estimator !== "mean"
    ) {
      problems.push(`${at}.estimator: expected "median" or "mean"`);
    }
    const cases = Array.isArray(group?.cases) ? group.cases : [];
    if (cases.length === 0) problems.push(`${at}.cases: expected a non-empty array`);
    const ids = cases.map((c) => c?.id);
    for (const [c, benchCase] of cases.entries()) {
      if (typeof benchCase?.id !== "string" || !ID.test(benchCase.id))
        problems.push(`${at}.cases[${c}].id: expected a kebab-case id`);
      if (typeof benchCase?.setup !== "function")
        problems.push(`${at}.cases[${c}].setup: expected a function`);
      if (benchCase?.ops !== undefined && (!Number.isInteger(benchCase.ops) || benchCase.ops < 1)) {
        problems.push(`${at}.cases[${c}].ops: expected a positive integer`);
      }
      if (ids.indexOf(benchCase?.id) !== c)
        problems.push(`${at}.cases[${c}].id: "${benchCase?.id}" is used twice`);
    }
    if (!ids.includes(group?.baseline))
      problems.push(`${at}.baseline: "${group?.baseline}" is not one of its cases`);
    if (group?.subject !== undefined && !ids.includes(group.subject))
      problems.push(`${at}.subject: "${group.subject}" is not one of its cases`);
  }
  if (problems.length > 0) {
    throw usage(
      `${file}: invalid suite definition\n  ${problems.join("\n  ")}`,
      "see microbench/_lib/suite.ts for the contract",
    );
  }
  return suite as LoadedSuite;
}

export function pickCase(suite: LoadedSuite, groupId: string, caseId: string, file: string) {
  const group = suite.groups.find((g) => g.id === groupId);
  const benchCase = group?.cases.find((c) => c.id === caseId);
  if (!group || !benchCase) {
    throw usage(`${file}: no case ${groupId}/${caseId}`, "the suite changed while running; rerun");
  }
  return { group, benchCase };
}

/** Default of perfgate.config.ts `microbench.include`. */
export const DEFAULT_SUITE_GLOBS = ["microbench/*.bench.ts"] as const;

/**
 * Suite files matching `include` (patterns of the form `folder/name*.bench.ts`: one `*` in the
 * file name), relative to `root`, sorted by id; `only` picks suites by id and names any
 * unknown one.
 */
export async function findSuiteFiles(
  root: string,
  only: readonly string[] = [],
  include: readonly string[] = DEFAULT_SUITE_GLOBS,
): Promise<string[]> {
  const files: string[] = [];
  for (const pattern of include) {
    const dir = path.resolve(root, path.dirname(pattern));
    const [prefix = "", suffix = ""] = path.basename(pattern).split("*");
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (cause) {
      throw new HarnessError("E_MICROBENCH_DIR", `${path.dirname(pattern)}: cannot list suites`, {
        hint: "check microbench.include in perfgate.config.ts",
        exitCode: EXIT.usage,
        cause,
      });
    }
    for (const name of names) {
      if (name.startsWith(prefix) && name.endsWith(suffix) && name.endsWith(".bench.ts"))
        files.push(path.join(dir, name));
    }
  }
  files.sort((a, b) => path.basename(a).localeCompare(path.basename(b)));
  const ids = files.map((f) => path.basename(f).replace(/\.bench\.ts$/, ""));
  const unknown = only.filter((id) => !ids.includes(id));
  if (unknown.length > 0) {
    throw usage(
      `bench: unknown suite ${unknown.map((u) => `"${u}"`).join(", ")}`,
      `choose from: ${ids.join(", ")}`,
    );
  }
  return files.filter((_, i) => only.length === 0 || only.includes(ids[i] as string));
}

/** Imports a suite file in this process (definitions only: nothing runs until `setup`). */
export async function loadSuite(file: string): Promise<LoadedSuite> {
  return readSuiteModule(await import(pathToFileURL(file).href), file);
}
