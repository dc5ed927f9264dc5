import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTargetProcess, withPort } from "./target-process.ts";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "perfgate-target-"));
  await writeFile(
    path.join(root, "server.mjs"),
    `import { createServer } from "node:http";
createServer((req, res) => res.end(process.env.GREETING ?? "none")).listen(Number(process.env.APP_PORT), "127.0.0.1");
`,
  );
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const start = {
  command: "node server.mjs",
  readyUrl: "http://127.0.0.1:{port}/",
  env: { APP_PORT: "{port}" },
  readyTimeoutSeconds: 20,
};

describe("startTargetProcess", () => {
  it("starts the command on a free port ({port} in env and readyUrl), serves, and stops", async () => {
    const app = await startTargetProcess(start, { root, env: { GREETING: "hi" } });
    try {
      expect(app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await (await fetch(app.url)).text()).toBe("hi");
    } finally {
      await app.stop();
    }
    await expect(fetch(app.url)).rejects.toThrow();
  });

  it("fails naming the command and its output when it exits before it is ready", async () => {
    await expect(
      startTargetProcess(
        { ...start, command: "node -e 'console.error(\"cannot bind\"); process.exit(4)'" },
        { root },
      ),
    ).rejects.toThrow(/target\.start\.command `node -e .*` exited \(4\)[\s\S]*cannot bind/);
  });

  it("fails naming readyUrl when nothing answers in time", async () => {
    await expect(
      startTargetProcess(
        { ...start, command: "node -e 'setTimeout(() => {}, 60000)'", readyTimeoutSeconds: 1 },
        { root },
      ),
    ).rejects.toThrow(
      /target\.start\.readyUrl http:\/\/127\.0\.0\.1:\d+\/ did not answer 2xx within 1 s/,
    );
  });

  it("withPort replaces every {port}", () => {
    expect(withPort("http://127.0.0.1:{port}/x?p={port}", 8080)).toBe(
      "http://127.0.0.1:8080/x?p=8080",
    );
  });
});
