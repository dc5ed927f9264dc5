import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { findOnPath } from "./cache/redis-server.ts";

const root = path.resolve(import.meta.dirname, "../../..");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Linux: the pids whose parent is `ppid` and whose command is `name`, from /proc. */
function childrenNamed(ppid: number, name: string): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
        const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        return parent === ppid && comm.startsWith(name);
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function untilGone(pid: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

const redisBinary = await findOnPath("redis-server");

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

  it("exits on SIGTERM while its stdin pipe is still open (PERFGATE_APP_EXIT_WITH_STDIN)", async () => {
    const app = spawn(process.execPath, ["--import", "tsx", "app/server/src/main.ts"], {
      cwd: root,
      stdio: ["pipe", "pipe", "inherit"],
      env: {
        ...process.env,
        PERFGATE_APP_PORT: "0",
        REDIS_URL: "off",
        PERFGATE_APP_EXIT_WITH_STDIN: "on",
      },
    });
    const exited = new Promise<string>((resolve) =>
      app.once("exit", (code, signal) => resolve(`exit ${code ?? signal}`)),
    );
    try {
      const lines = createInterface({ input: app.stdout });
      await new Promise<void>((resolve) =>
        lines.on("line", (line) => line.includes('"listening"') && resolve()),
      );
      app.kill("SIGTERM");
      // The harness keeps stdin open until the app is gone; a resumed stdin kept it alive.
      const code = await Promise.race([exited, sleep(30_000).then(() => "still running")]);
      expect(code).toBe("exit 0");
    } finally {
      app.kill("SIGKILL");
    }
  }, 90_000);

  it.skipIf(process.platform !== "linux" || !redisBinary)(
    "takes the redis-server it started with it when it is SIGKILLed",
    async () => {
      const app = spawn(process.execPath, ["--import", "tsx", "app/server/src/main.ts"], {
        cwd: root,
        stdio: ["ignore", "pipe", "inherit"],
        env: { ...process.env, PERFGATE_APP_PORT: "0", REDIS_URL: "" },
      });
      let redisPid: number | undefined;
      try {
        for await (const line of createInterface({ input: app.stdout })) {
          if ((JSON.parse(line) as { event: string }).event === "listening") break;
        }
        [redisPid] = childrenNamed(app.pid as number, "redis-server");
        expect(redisPid).toBeGreaterThan(0);
        app.kill("SIGKILL");
        await untilGone(redisPid as number, 15_000);
        expect(alive(redisPid as number)).toBe(false);
      } finally {
        app.kill("SIGKILL");
        if (redisPid && alive(redisPid)) process.kill(redisPid, "SIGKILL");
      }
    },
    90_000,
  );
});
