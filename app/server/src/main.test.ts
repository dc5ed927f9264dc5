import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../../..");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("app process", () => {
  it("shuts down when the process that started it is SIGKILLed (PERFGATE_APP_EXIT_WITH_STDIN)", async () => {
    // A stand-in harness: starts the app with a stdin pipe, passes its stdout through, and
    // then never cleans up, as a killed test worker would not.
    const parent = spawn(
      process.execPath,
      [
        "-e",
        `require("node:child_process").spawn(process.execPath, ["--import", "tsx", "app/server/src/main.ts"], {
          stdio: ["pipe", "inherit", "inherit"],
          env: { ...process.env, PERFGATE_APP_EXIT_WITH_STDIN: "on", PERFGATE_APP_PORT: "0" },
        });
        setInterval(() => {}, 1000);`,
      ],
      { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
    );
    let appPid: number | undefined;
    try {
      const lines = createInterface({ input: parent.stdout });
      for await (const line of lines) {
        const event = JSON.parse(line) as { event: string; pid?: number };
        if (event.event === "listening") {
          appPid = event.pid;
          break;
        }
      }
      expect(appPid).toBeGreaterThan(0);
      parent.kill("SIGKILL");
      const deadline = Date.now() + 30_000;
      while (alive(appPid as number) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(alive(appPid as number)).toBe(false);
    } finally {
      parent.kill("SIGKILL");
      if (appPid && alive(appPid)) process.kill(appPid, "SIGKILL");
    }
  }, 90_000);
});
