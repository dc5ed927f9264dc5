import { ConfigError, loadConfig } from "./config.ts";
import { startApp } from "./server.ts";

/**
 * Process entry. Readiness is announced as one JSON line on stdout
 * (`{"event":"listening","url":...}`) so whoever started the app knows the chosen port.
 */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`perfgate-app: ${error.message}`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  let app: Awaited<ReturnType<typeof startApp>>;
  try {
    app = await startApp(config);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") {
      console.error(
        `perfgate-app: port ${config.port} on ${config.host} is already in use (EADDRINUSE); choose another PERFGATE_APP_PORT or 0 for a free one`,
      );
      process.exitCode = 3;
      return;
    }
    throw error;
  }
  // The reader of stdout may be gone (a harness that died, `| head`): shutting down must not
  // crash on EPIPE before it has closed the database and Redis.
  process.stdout.on("error", () => {});
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    process.stdout.write(`${JSON.stringify({ event: "closing", signal })}\n`);
    const force = setTimeout(() => {
      process.stderr.write("perfgate-app: shutdown took longer than 15 s, exiting\n");
      process.exit(1);
    }, 15_000);
    force.unref();
    await app.close();
    process.stdout.write(`${JSON.stringify({ event: "closed" })}\n`);
    // A resumed stdin (PERFGATE_APP_EXIT_WITH_STDIN) keeps the event loop alive: a harness that
    // sent SIGTERM otherwise waited out its 10 s grace period and killed the closed app.
    process.stdin.destroy();
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  if (config.exitWithStdin) {
    process.stdin.on("close", () => void shutdown("stdin closed"));
    process.stdin.resume();
  }
  // Announced only now: whoever reads this line may send SIGTERM at once, and a signal that
  // arrives before the handlers above kills the process without closing anything.
  process.stdout.write(
    `${JSON.stringify({ event: "listening", url: app.url, pid: process.pid })}\n`,
  );
}

await main();
