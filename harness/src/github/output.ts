/** Where the GitHub-facing steps print; the CLI passes its io. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** Says what a dry run would have sent, the full body included, between clear delimiters. */
export function printDryRun(output: Output, what: string, body: string): void {
  output.out(`[dry-run] would ${what}:\n${body.trimEnd()}\n[dry-run] end\n`);
}
