import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installGlobals } from "./globals.ts";
import { Registry } from "./metrics.ts";
import { prepareScript } from "./script.ts";
import { newGroup, setEngineState } from "./state.ts";
import { initVu } from "./vu.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-factory-"));
  setEngineState({
    registry: new Registry(),
    env: {},
    scriptDir: dir,
    rootGroup: newGroup("", ""),
    startedAt: 0,
    userAgent: "",
    abort: () => {},
  });
  installGlobals({}, dir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function prepared(name: string, source: string) {
  const file = path.join(dir, name);
  await writeFile(file, source);
  return prepareScript(file);
}

const COUNTER = `import { sleep } from "k6";
let calls = 0;
export const seenVu = __VU;
export function count() { calls += 1; return calls; }
export default function () { sleep(0); }
`;

describe("VU init contexts", () => {
  it("runs one compiled function per VU: each VU has its own module state and sees its __VU", async () => {
    const script = await prepared("counter.js", COUNTER);
    expect(script.compiled.endsWith(".cjs")).toBe(true);
    const [a, b] = await Promise.all([initVu(script.compiled, 1), initVu(script.compiled, 2)]);
    const countA = a.exports.count as () => number;
    const countB = b.exports.count as () => number;
    expect([countA(), countA(), countB()]).toEqual([1, 2, 1]);
    expect([a.exports.seenVu, b.exports.seenVu]).toEqual([1, 2]);
  });

  it("imports the ES module per VU when the script has top-level await", async () => {
    const script = await prepared("tla.js", `${COUNTER}await Promise.resolve();\n`);
    expect(script.compiled.endsWith(".mjs")).toBe(true);
    const [a, b] = await Promise.all([initVu(script.compiled, 1), initVu(script.compiled, 2)]);
    (a.exports.count as () => number)();
    expect((b.exports.count as () => number)()).toBe(1);
  });
});
