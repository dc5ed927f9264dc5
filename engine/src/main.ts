import process from "node:process";
import { engineCli } from "./cli.ts";

/**
 * Entry point of the `perfgate-k6` bin, the one place the engine exits the process. The first
 * SIGINT/SIGTERM stops the test (k6 writes its summary and exits 105); a second one leaves now.
 */
export async function engineMain(): Promise<void> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(signal === "SIGINT" ? 130 : 143);
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let code: number;
  try {
    code = await engineCli(process.argv.slice(2), {
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
      cwd: process.cwd(),
      env: process.env,
      signal: controller.signal,
      stdoutIsTTY: process.stdout.isTTY === true,
    });
  } catch (error) {
    process.stderr.write(`internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    code = 1;
  }
  // Flush stdio first so piped output is not cut off.
  process.stdout.write("", () => process.exit(code));
}
