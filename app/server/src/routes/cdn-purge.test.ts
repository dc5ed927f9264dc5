import { type ChildProcess, spawn } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp } from "../../test/start.ts";
import { findOnPath, freeLoopbackPort } from "../cache/redis-server.ts";
import type { RunningApp } from "../server.ts";

// .ci/run and the ci workflow install varnish and varnish-modules; without varnishd on PATH
// there is no CDN to test against, so the suite skips and says why (CI or not).
const binary = await findOnPath("varnishd");
if (!binary) {
  console.warn(
    "cdn-purge.test: skipped, varnishd is not on PATH (apt-get install varnish varnish-modules; Debian puts it in /usr/sbin)",
  );
}
const describeVarnish = describe.skipIf(!binary);

describeVarnish("surrogate keys and purges against a real Varnish with xkey", () => {
  let dir: string;
  let app: RunningApp;
  let varnish: ChildProcess;
  let cdn: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-varnish-"));
    // varnishd drops root for its own user, which must be able to read the VCL.
    await chmod(dir, 0o755);
    const port = await freeLoopbackPort();
    cdn = `http://127.0.0.1:${port}`;
    app = await startTestApp({ PERFGATE_APP_CDN_PURGE_URL: `${cdn}/` });
    const backend = new URL(app.url);
    const template = await readFile(
      path.join(import.meta.dirname, "../../cdn/varnish.vcl"),
      "utf8",
    );
    const vcl = path.join(dir, "default.vcl");
    await writeFile(
      vcl,
      template
        .replace('"BACKEND_HOST"', `"${backend.hostname}"`)
        .replace('"BACKEND_PORT"', `"${backend.port}"`),
    );
    varnish = spawn(
      binary as string,
      [
        "-F",
        "-a",
        `127.0.0.1:${port}`,
        "-f",
        vcl,
        "-n",
        path.join(dir, "work"),
        "-s",
        "malloc,32m",
      ],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
    };
    varnish.stdout?.on("data", collect);
    varnish.stderr?.on("data", collect);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ok = await fetch(`${cdn}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline || varnish.exitCode !== null)
        throw new Error(`varnishd did not start: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 60_000);
  afterAll(async () => {
    varnish?.kill("SIGTERM");
    await app?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const viaCdn = async (p: string) => {
    const response = await fetch(`${cdn}${p}`);
    return { hit: response.headers.get("x-cdn"), body: await response.json() };
  };

  it("caches tagged API reads at the edge for s-maxage", async () => {
    expect((await viaCdn("/api/products/21")).hit).toBe("MISS");
    expect((await viaCdn("/api/products/21")).hit).toBe("HIT");
  });

  it("a write on the origin purges the edge copy by surrogate key", async () => {
    await viaCdn("/api/products/22");
    expect((await viaCdn("/api/products/22")).hit).toBe("HIT");
    const patch = await fetch(`${app.url}/api/products/22`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Renamed at the origin" }),
    });
    expect(patch.status).toBe(200);
    const after = await viaCdn("/api/products/22");
    expect(after.hit).toBe("MISS");
    expect(after.body.name).toBe("Renamed at the origin");
  });

  it("POST /api/purge reaches the CDN and reports it", async () => {
    await viaCdn("/api/products/23");
    const purge = await fetch(`${app.url}/api/purge`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ keys: ["product-23"] }),
    });
    expect(await purge.json()).toEqual({ purged: ["product-23"], cdn: "purged" });
    expect((await viaCdn("/api/products/23")).hit).toBe("MISS");
    expect((await viaCdn("/api/products/24")).hit).toBe("MISS");
  });
});
