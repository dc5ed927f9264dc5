import type { Command } from "./command.ts";

/** `perfgate <name> --help`: usage, summary, every flag with its default, examples. Pure. */
export function renderCommandHelp(summary: string, command: Command): string {
  const { help, options = {} } = command;
  const rows = Object.entries(options).map(([flag, option]) => {
    const short = option.short ? `-${option.short}, ` : "";
    const value = option.type === "string" ? " <value>" : "";
    const many = option.multiple ? " (repeatable)" : "";
    const fallback =
      option.default === undefined
        ? ""
        : ` (default: ${Array.isArray(option.default) ? option.default.join(",") : String(option.default)})`;
    return [`${short}--${flag}${value}`, `${help.flags?.[flag] ?? ""}${many}${fallback}`];
  });
  rows.push(["-h, --help", "print this help"]);
  const width = Math.max(...rows.map(([left]) => (left as string).length));
  const flags = rows.map(([left, right]) => `  ${(left as string).padEnd(width)}  ${right}`);
  const examples = help.examples.map((example) => `  ${example}`);
  const details = help.details ? `\n${help.details}` : "";
  return `usage: perfgate ${help.usage}\n\n${summary}\n${details}\noptions:\n${flags.join("\n")}\n\nexamples:\n${examples.join("\n")}\n`;
}
