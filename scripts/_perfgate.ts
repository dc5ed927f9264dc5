// Shared glue of the npm scripts: run one perfgate command with the script's arguments and pass
// its exit code through. No decisions here; they all live in the harness CLI.
import path from "node:path";
import { $ } from "zx";

// The repository runs the CLI from its sources (harness/bin/perfgate.mjs), never a stale dist/.
const CLI = path.join(import.meta.dirname, "../harness/bin/perfgate.mjs");

export async function perfgate(command: string): Promise<void> {
  // Ctrl+C reaches the whole process group: let perfgate stop its stages and keep partial
  // results instead of this wrapper exiting first.
  process.on("SIGINT", () => {});
  process.on("SIGTERM", () => {});
  const result = await $({
    stdio: "inherit",
    nothrow: true,
  })`node ${CLI} ${command} ${process.argv.slice(2)}`;
  process.exitCode = result.exitCode ?? 1;
}
