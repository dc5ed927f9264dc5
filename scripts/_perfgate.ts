// Shared glue of the npm scripts: run one perfgate command with the script's arguments and pass
// its exit code through. No decisions here; they all live in the harness CLI.
import { $ } from "zx";

export async function perfgate(command: string): Promise<void> {
  // Ctrl+C reaches the whole process group: let perfgate stop its stages and keep partial
  // results instead of this wrapper exiting first.
  process.on("SIGINT", () => {});
  process.on("SIGTERM", () => {});
  const result = await $({
    stdio: "inherit",
    nothrow: true,
  })`perfgate ${command} ${process.argv.slice(2)}`;
  process.exitCode = result.exitCode ?? 1;
}
