import { connect } from "node:net";
import { EXIT, HarnessError } from "../schema/index.ts";

/**
 * Pre-flight of `--base-url` (issue 22 H5): a port with nothing listening ran the whole profile
 * at 100% failed requests and committed it as `complete`. One TCP connect, bounded by
 * `timeoutMs`, before the run starts: refused or silent is a clear error and nothing is written.
 */
export async function assertTargetListening(
  target: URL,
  signal: AbortSignal,
  timeoutMs = 5_000,
): Promise<void> {
  const host = target.hostname.replace(/^\[|\]$/g, "");
  const port = Number(target.port || (target.protocol === "https:" ? 443 : 80));
  const problem = await new Promise<string | undefined>((resolve) => {
    const socket = connect({ host, port });
    const finish = (reason: string | undefined) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      socket.destroy();
      resolve(reason);
    };
    const onAbort = () => finish("interrupted");
    const timer = setTimeout(() => finish(`no answer within ${timeoutMs} ms`), timeoutMs);
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("connect", () => finish(undefined));
    socket.once("error", (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
  });
  if (problem === undefined) return;
  if (signal.aborted) throw signal.reason;
  throw new HarnessError(
    "E_TARGET_DOWN",
    `--base-url ${target.origin}: nothing is listening at ${host}:${port} (${problem}); nothing was run`,
    {
      hint: "start the app first (`npm run app` prints its URL), or drop --base-url to let perfgate start it",
      exitCode: EXIT.toolFailed,
    },
  );
}
