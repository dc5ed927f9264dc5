import { appendFile } from "node:fs/promises";
import { HarnessError } from "../schema/index.ts";

/** GitHub drops a step summary larger than 1 MiB; stay under it with room for a note. */
export const MAX_SUMMARY_BYTES = 1024 * 1024 - 1024;

/** Cuts markdown to the step-summary limit on a line boundary, saying so. */
export function fitSummary(markdown: string): string {
  const text = `${markdown.trimEnd()}\n`;
  if (Buffer.byteLength(text) <= MAX_SUMMARY_BYTES) return text;
  const cut = Buffer.from(text).subarray(0, MAX_SUMMARY_BYTES).toString("utf8");
  return `${cut.slice(0, cut.lastIndexOf("\n"))}\n\n…truncated to fit the job summary limit; the full report is in the artifact.\n`;
}

/** Appends markdown to the job summary file (`GITHUB_STEP_SUMMARY`); other steps' text stays. */
export async function appendStepSummary(file: string, markdown: string): Promise<void> {
  try {
    await appendFile(file, `${fitSummary(markdown)}\n`, "utf8");
  } catch (cause) {
    throw new HarnessError(
      "E_GITHUB_SUMMARY",
      `cannot append to GITHUB_STEP_SUMMARY ${file}: ${(cause as Error).message}`,
      {
        hint: "the runner sets GITHUB_STEP_SUMMARY to a writable file; unset it to skip the summary",
        cause,
      },
    );
  }
}
