import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import { type AddressInfo, createServer as createNetServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cachePathOf, setRemoteModuleCa } from "../../src/remote-modules.ts";
import { k6Cli } from "./loopback.ts";
import { selfSignedCert } from "./tls-cert.ts";

/**
 * Issue 17: `https://` imports are fetched at bundle time into a cache beside the script and read
 * from there afterwards; an unreachable URL is named in the error (exit 107), and `http://`
 * imports are refused as k6 refuses them.
 */
let server: Server;
let origin = "";
let dir: string;
const served: string[] = [];

beforeAll(async () => {
  const keys = selfSignedCert();
  setRemoteModuleCa(keys.cert);
  server = createServer(keys, (req, res) => {
    served.push(req.url ?? "");
    const url = new URL(req.url ?? "/", "https://x");
    if (url.pathname === "/lib/index.js") {
      res.end('export { shout } from "./shout.js";\nexport const VERSION = "1.0";\n');
    } else if (url.pathname === "/lib/shout.js") {
      res.end(
        'import { b64encode } from "k6/encoding";\nexport const shout = (s) => b64encode(s.toUpperCase());\n',
      );
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-remote-"));
});
afterAll(async () => {
  setRemoteModuleCa(undefined);
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const script = (from: string) => `
import { check } from "k6";
import { shout, VERSION } from "${from}";
export default function () {
  check(null, { "remote module works": () => shout("hi") === "SEk=" && VERSION === "1.0" });
}
`;

describe("remote modules (issue 17)", () => {
  it("downloads an https import (and its relative imports) into the cache, then runs from it", async () => {
    const file = path.join(dir, "remote.js");
    await writeFile(file, script(`${origin}/lib/index.js`));
    const first = await k6Cli(["run", "--no-color", file], dir);
    expect(first.stderr).toBe("");
    expect(first.stdout).toContain("✓ remote module works");
    expect(served.some((u) => u.startsWith("/lib/shout.js"))).toBe(true);
    const cached = path.join(dir, cachePathOf(new URL(`${origin}/lib/shout.js`)));
    expect(existsSync(cached)).toBe(true);
    served.length = 0;
    const again = await k6Cli(["run", "--no-color", file], dir);
    expect(again.stdout).toContain("✓ remote module works");
    expect(served).toEqual([]);
  });

  it("an unreachable module fails at start naming its URL and where to put it", async () => {
    const file = path.join(dir, "unreachable.js");
    // A port that was free a moment ago: nothing listens there.
    const probe = createNetServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const url = `https://127.0.0.1:${port}/k6-utils/1.4.0/index.js`;
    await writeFile(file, script(url));
    const r = await k6Cli(["run", file], dir);
    expect(r.code).toBe(107);
    expect(r.stderr).toContain(`remote module ${url} could not be downloaded`);
    expect(r.stderr).toContain("ECONNREFUSED");
    expect(r.stderr).toContain(path.join(".perfgate-modules", `127.0.0.1:${port}`, "k6-utils"));
  });

  it("refuses http:// imports as k6 does", async () => {
    const file = path.join(dir, "plain.js");
    await writeFile(file, script("http://127.0.0.1:1/lib.js"));
    const r = await k6Cli(["run", file], dir);
    expect(r.code).toBe(107);
    expect(r.stderr).toContain("only supported schemes for imports are file and https");
  });
});
