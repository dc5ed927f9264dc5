import { spawn } from "node:child_process";

/**
 * Run a measuring child process with a time limit (SIGKILL at `timeoutMs` or on abort); its
 * stderr (first 16 KiB) explains a failure. `label` names the child in the error.
 */
export function spawnBounded(
  label: string,
  command: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ error?: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      if (stderr.length < 16_384) stderr += chunk;
    });
    const kill = () => child.kill("SIGKILL");
    const timer = setTimeout(kill, timeoutMs);
    signal.addEventListener("abort", kill, { once: true });
    const done = (result: { error?: string }) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", kill);
      resolve(result);
    };
    child.on("error", (error) => done({ error: error.message }));
    child.on("close", (code, sig) => {
      if (code === 0) done({});
      else
        done({
          error: `${label} exited ${sig ?? code}${sig === "SIGKILL" && !signal.aborted ? ` after the ${timeoutMs} ms limit` : ""}: ${stderr.trim() || "(no output)"}`,
        });
    });
  });
}
