import { access } from "node:fs/promises";
import path from "node:path";
import { build, type Message } from "esbuild";
import { EXIT, HarnessError } from "../schema/index.ts";
import { sourceConditions } from "./source-conditions.ts";

function describeMessage(message: Message): string {
  const where = message.location
    ? `${message.location.file}:${message.location.line}:${message.location.column}: `
    : "";
  return `${where}${message.text}`;
}

/**
 * Bundle a k6 script (TypeScript or JavaScript) into one ES module that any k6 accepts: `k6` and
 * `k6/*` stay external imports, everything else (scenarios/_lib, npm helpers) is inlined. The same
 * bundle runs on the real k6 binary and on the built-in engine, so both see identical code.
 */
export async function bundleK6Script(script: string, outFile: string): Promise<string> {
  const entry = path.resolve(script);
  try {
    await access(entry);
  } catch (cause) {
    throw new HarnessError("E_SCRIPT_NOT_FOUND", `${script}: scenario file does not exist`, {
      hint: "check the path; scenarios live in scenarios/<id>.ts",
      exitCode: EXIT.usage,
      cause,
    });
  }
  try {
    await build({
      entryPoints: [entry],
      outfile: outFile,
      bundle: true,
      format: "esm",
      platform: "neutral",
      target: "es2020",
      // k6 modules are provided by the runtime; `k6/x/*` extensions and remote modules too.
      external: ["k6", "k6/*", "https://*"],
      sourcemap: "inline",
      sourcesContent: false,
      logLevel: "silent",
      ...sourceConditions,
    });
  } catch (cause) {
    const errors = (cause as { errors?: Message[] }).errors ?? [];
    const detail = errors.length > 0 ? errors.map(describeMessage).join("\n  ") : String(cause);
    throw new HarnessError("E_SCRIPT_SYNTAX", `${script}: cannot bundle the script\n  ${detail}`, {
      hint: "fix the syntax error at the position shown (k6 exits 107 for the same script)",
      exitCode: EXIT.usage,
      cause,
    });
  }
  return outFile;
}
