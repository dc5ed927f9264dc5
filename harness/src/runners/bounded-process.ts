import { spawnWatched } from "./child-watchdog.ts";

/**
 * Run a measuring child process with a time limit (SIGKILL at `timeoutMs` or on abort; it has
 * nothing to save); its stderr (first 16 KiB) explains a failure. `label` names the child in
 * the error. Watched: it dies with the harness too (issue 22 H6).
 */
export async function spawnBounded(
  label: string,
  command: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ error?: string }> {
  const { child, exited } = spawnWatched(
    command,
    args,
    { cwd, stdio: ["ignore", "ignore", "pipe"] },
    { signal, stopSignal: "SIGKILL", graceMs: 2_000, timeoutMs },
  );
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    if (stderr.length < 16_384) stderr += chunk;
  });
  const exit = await exited;
  if (exit.error) return { error: exit.error.message };
  if (exit.code === 0) return {};
  const limit = exit.timedOut ? ` after the ${timeoutMs} ms limit` : "";
  return {
    error: `${label} exited ${exit.signal ?? exit.code}${limit}: ${stderr.trim() || "(no output)"}`,
  };
}
