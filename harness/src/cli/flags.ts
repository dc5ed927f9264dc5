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

function toInteger(value: string, min: number, max: number, at: FlagAt): number {
  const n = Number(value);
  if (Number.isInteger(n) && n >= min && n <= max) return n;
  throw invalid(at, value, `is not an integer ${min}-${max}`, `e.g. --${at.flag} ${min}`);
}

function toChoice<C extends string>(value: string, choices: readonly C[], at: FlagAt): C {
  if ((choices as readonly string[]).includes(value)) return value as C;
  const hint = `${nearestHint(value, choices)}e.g. --${at.flag} ${choices[0]}`;
  throw invalid(at, value, `is not one of ${choices.join(", ")}`, hint);
}

export function text<D extends string | undefined = undefined>(
  help: string,
  fallback?: D,
): Flag<string | D> {
  return { type: "string", help, shown: fallback, read: (raw) => (raw as string) ?? fallback };
}

/** A repeatable string flag, in the order given. */
export function texts(help: string, fallback: string[] = []): Flag<string[]> {
  const shown = fallback.join(",") || undefined;
  return {
    type: "string",
    multiple: true,
    help,
    shown,
    read: (raw) => (raw as string[]) ?? fallback,
  };
}

export function bool(help: string): Flag<boolean> {
  return { type: "boolean", help, read: (raw) => raw === true };
}

export function integer<D extends number | undefined = undefined>(
  help: string,
  [min, max]: [number, number],
  fallback?: D,
): Flag<number | D> {
  const read = (raw: Raw, at: FlagAt) =>
    raw === undefined ? (fallback as D) : toInteger(raw as string, min, max, at);
  return { type: "string", help, accepts: `${min}-${max}`, shown: fallback?.toString(), read };
}

/** Integers, comma-separated or repeated, each within [min, max]. */
export function integers(
  help: string,
  [min, max]: [number, number],
  fallback: number[] = [],
): Flag<number[]> {
  const read = (raw: Raw, at: FlagAt) =>
    raw === undefined ? fallback : items(raw).map((item) => toInteger(item, min, max, at));
  const shown = fallback.join(",") || undefined;
  return { type: "string", multiple: true, help, accepts: `${min}-${max}`, shown, read };
}

export function choice<C extends string, D extends C | undefined = undefined>(
  help: string,
  choices: readonly C[],
  fallback?: D,
): Flag<C | D> {
  const read = (raw: Raw, at: FlagAt) =>
    raw === undefined ? (fallback as D) : toChoice(raw as string, choices, at);
  return { type: "string", help, accepts: choices.join("|"), shown: fallback, read };
}

/** Choices, comma-separated or repeated, each one of `choices`. */
export function choices<C extends string>(
  help: string,
  choices: readonly C[],
  fallback: C[] = [],
): Flag<C[]> {
  const read = (raw: Raw, at: FlagAt) =>
    raw === undefined ? fallback : items(raw).map((item) => toChoice(item, choices, at));
  const shown = fallback.join(",") || undefined;
  return { type: "string", multiple: true, help, accepts: choices.join("|"), shown, read };
}

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
