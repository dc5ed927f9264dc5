import { parseArgs } from "node:util";
import { parseDuration } from "@perfgate/engine";
import { EXIT, HarnessError } from "../schema/errors.ts";
import { nearestHint } from "../schema/hints.ts";

type Raw = string | boolean | (string | boolean)[] | undefined;

/** Which flag of which command a value came from, so an error can name both. */
interface FlagAt {
  command: string;
  flag: string;
}

/**
 * A flag declared once: how parseArgs reads it, its help line, and how its text becomes a checked
 * value. Help, parsing and validation all come from this one declaration, so they cannot drift.
 */
export interface Flag<T> {
  type: "string" | "boolean";
  multiple?: boolean;
  short?: string;
  help: string;
  /** What help prints as the accepted values, e.g. `1-100` or `quick|full`. */
  accepts?: string;
  /** What help prints as the default; absent when there is none. */
  shown?: string;
  required?: boolean;
  read(raw: Raw, at: FlagAt): T;
}

export type Flags = Record<string, Flag<unknown>>;
type FlagValues<F extends Flags> = { [K in keyof F]: F[K] extends Flag<infer T> ? T : never };

/** A usage error (exit 2) whose hint says what would work. */
export function usageError(message: string, hint: string): HarnessError {
  return new HarnessError("E_USAGE", message, { hint, exitCode: EXIT.usage });
}

function invalid(at: FlagAt, value: string, what: string, hint: string): HarnessError {
  return usageError(`${at.command}: --${at.flag} "${value}" ${what}`, hint);
}

/** Items of a repeatable flag, each of which may also be a comma-separated list. */
function items(raw: Raw): string[] {
  return [raw ?? []]
    .flat()
    .flatMap((value) => String(value).split(","))
    .map((value) => value.trim());
}

type Item<T> = (value: string, at: FlagAt) => T;

function inRange(min: number, max: number): Item<number> {
  return (value, at) => {
    const n = Number(value);
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    throw invalid(at, value, `is not an integer ${min}-${max}`, `e.g. --${at.flag} ${min}`);
  };
}

function oneOf<C extends string>(choices: readonly C[]): Item<C> {
  return (value, at) => {
    if ((choices as readonly string[]).includes(value)) return value as C;
    const hint = `${nearestHint(value, choices)}e.g. --${at.flag} ${choices[0]}`;
    throw invalid(at, value, `is not one of ${choices.join(", ")}`, hint);
  };
}

/** A single-valued flag: `item` checks its text; when it is absent, the value is `fallback`. */
function one<T, D>(help: string, item: Item<T>, accepts?: string, fallback?: D): Flag<T | D> {
  const read = (raw: Raw, at: FlagAt) =>
    raw === undefined ? (fallback as D) : item(raw as string, at);
  return { type: "string", help, accepts, shown: fallback?.toString(), read };
}

/** A repeatable flag whose every item (comma-separated ones too) `item` checks. */
function many<T>(help: string, item: Item<T>, accepts?: string, fallback: T[] = []): Flag<T[]> {
  const read = (raw: Raw, at: FlagAt) =>
    raw === undefined ? fallback : items(raw).map((value) => item(value, at));
  const shown = fallback.join(",") || undefined;
  return { type: "string", multiple: true, help, accepts, shown, read };
}

export const text = <D extends string | undefined = undefined>(help: string, fallback?: D) =>
  one(help, (value) => value, undefined, fallback);

/** Repeatable string values, in the order given (a comma stays part of its value). */
export function texts(help: string, fallback: string[] = []): Flag<string[]> {
  const read = (raw: Raw) => (raw as string[] | undefined) ?? fallback;
  return { type: "string", multiple: true, help, shown: fallback.join(",") || undefined, read };
}

export function bool(help: string): Flag<boolean> {
  return { type: "boolean", help, read: (raw) => raw === true };
}

export const integer = <D extends number | undefined = undefined>(
  help: string,
  [min, max]: [number, number],
  fallback?: D,
) => one(help, inRange(min, max), `${min}-${max}`, fallback);

export const integers = (help: string, [min, max]: [number, number], fallback?: number[]) =>
  many(help, inRange(min, max), `${min}-${max}`, fallback);

export const choice = <C extends string, D extends C | undefined = undefined>(
  help: string,
  choices: readonly C[],
  fallback?: D,
) => one(help, oneOf(choices), choices.join("|"), fallback);

export const choices = <C extends string>(help: string, choices: readonly C[], fallback?: C[]) =>
  many(help, oneOf(choices), choices.join("|"), fallback);

/** A flag that must be given: its absence is a usage error naming it and an example. */
export function required<T>(flag: Flag<T | undefined>, example: string): Flag<T> {
  const read = (raw: Raw, at: FlagAt) => {
    if (raw !== undefined && raw !== "") return flag.read(raw, at) as T;
    const hint = `e.g. --${at.flag} ${example}${flag.accepts ? ` (${flag.accepts})` : ""}`;
    throw usageError(`${at.command}: --${at.flag} is required`, hint);
  };
  return { ...flag, required: true, read };
}

/** `--reports-dir`, for a command that reads it through `projectReports` (the config's default). */
export const reportsDirFlag = (what: string) =>
  text(`${what} (default: the config's reportsDir, else reports)`);

/** A k6 duration (`30m`, `1h30m`, `90s`), read as milliseconds. */
export function duration(help: string, fallback: string): Flag<number> {
  const read = (raw: Raw, at: FlagAt) => {
    const value = (raw as string) ?? fallback;
    const ms = parseDuration(value);
    if (ms !== undefined && ms > 0) return ms;
    throw invalid(at, value, "is not a duration", `a k6 duration, e.g. --${at.flag} 30m`);
  };
  return { type: "string", help, accepts: "a k6 duration", shown: fallback, read };
}

/** Repeatable `KEY=VALUE` pairs (k6's `-e`); `=` inside the value is kept. */
export function pairs(help: string, example: string): Flag<Record<string, string>> {
  const read = (raw: Raw, at: FlagAt) => {
    const vars: Record<string, string> = {};
    for (const pair of (raw as string[] | undefined) ?? []) {
      const eq = pair.indexOf("=");
      if (eq <= 0) throw invalid(at, pair, "is not KEY=VALUE", `e.g. --${at.flag} ${example}`);
      vars[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    return vars;
  };
  return { type: "string", multiple: true, help, accepts: "KEY=VALUE", read };
}

/**
 * Strict parsing into checked values: an unknown flag or a bad value is a usage error that names
 * the flag and what would work, instead of being ignored or failing deep inside a stage.
 */
export function parseFlags<F extends Flags>(command: string, argv: string[], flags: F) {
  const options = Object.fromEntries(
    Object.entries(flags).map(([name, { type, multiple, short }]) => [
      name,
      { type, ...(multiple ? { multiple } : {}), ...(short ? { short } : {}) },
    ]),
  );
  let parsed: { values: Record<string, Raw>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (cause) {
    const names = Object.keys(flags).map((name) => `--${name}`);
    const unknown = /Unknown option '([^']+)'/.exec((cause as Error).message)?.[1];
    const nearest = unknown ? nearestHint(unknown.split("=")[0] as string, names) : "";
    throw new HarnessError("E_USAGE", `${command}: ${(cause as Error).message}`, {
      hint: `${nearest}known options: ${names.join(", ") || "(none)"}; see \`perfgate ${command} --help\``,
      exitCode: EXIT.usage,
      cause,
    });
  }
  const values = Object.fromEntries(
    Object.entries(flags).map(([flag, { read }]) => [
      flag,
      read(parsed.values[flag], { command, flag }),
    ]),
  );
  return { values: values as FlagValues<F>, positionals: parsed.positionals };
}
