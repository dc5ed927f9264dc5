import type { Command } from "./command.ts";
import type { Flag, Flags } from "./flags.ts";

/** A flag's help line: what it does, then what it accepts, whether it repeats, its default. */
function describe(flag: Flag<unknown>): string {
  const notes = [
    flag.required ? "required" : undefined,
    flag.accepts,
    flag.multiple ? "repeatable" : undefined,
    flag.shown === undefined ? undefined : `default: ${flag.shown}`,
  ].filter(Boolean);
  return notes.length ? `${flag.help} (${notes.join("; ")})` : flag.help;
}

/** One aligned line per flag, `--help` last when asked for. Pure. */
export function flagRows(flags: Flags, indent: string, withHelp = false): string[] {
  const rows = Object.entries(flags).map(([name, flag]) => {
    const short = flag.short ? `-${flag.short}, ` : "";
    return [`${short}--${name}${flag.type === "string" ? " <value>" : ""}`, describe(flag)];
  });
  if (withHelp) rows.push(["-h, --help", "print this help"]);
  const width = Math.max(...rows.map(([left]) => (left as string).length));
  return rows.map(([left, right]) => `${indent}${(left as string).padEnd(width)}  ${right}`);
}

/** `perfgate <name> --help`: usage, summary, every flag with its default, examples. Pure. */
export function renderCommandHelp(summary: string, command: Command): string {
  const { help, options = {} } = command;
  const flags = flagRows(options, "  ", true);
  const examples = help.examples.map((example) => `  ${example}`);
  const details = help.details ? `\n${help.details}` : "";
  return `usage: perfgate ${help.usage}\n\n${summary}\n${details}\noptions:\n${flags.join("\n")}\n\nexamples:\n${examples.join("\n")}\n`;
}
