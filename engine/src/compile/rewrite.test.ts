import { describe, expect, it } from "vitest";
import { compileForAsync, guardLoops } from "./rewrite.ts";

const HTTP = `import http from "file:///e/modules/http.ts";\n`;
const K6 = `import { check, group, sleep } from "file:///e/modules/k6.ts";\n`;
const compile = (body: string) => compileForAsync(`${HTTP}${K6}${body}`, "file:///rt.ts");
/** The compiled code without the runtime import and the k6 imports, for readable assertions. */
const body = (code: string) => code.split("\n").slice(2).join("\n");

describe("compileForAsync: colouring and rewrite", () => {
  it("awaits k6's blocking calls and makes every function that reaches one async", () => {
    const out = compile(
      `function login(u) { return http.post(u, {}).json("t"); }\nexport default function () { const t = login("u"); check(t, { ok: (v) => !!v }); sleep(1); }\n`,
    );
    expect(out.syncStyle).toBe(true);
    expect(out.unproven).toBeUndefined();
    expect(body(out.code)).toBe(
      `async function login(u) { return (await http.post(u, {})).json("t"); }\nexport default async function () { const t = (await login("u")); check(t, { ok: (v) => !!v }); (await sleep(1)); }\n`,
    );
  });

  it("awaits group over a blocking callback, and array methods become awaited loops", () => {
    const out = compile(
      `const step = (u) => http.get(u);\nexport default function () { group("g", () => { ["a"].forEach((u) => step(u)); }); const r = ["b"].map(step); group("pure", () => 1); }\n`,
    );
    expect(body(out.code)).toBe(
      `const step = async (u) => (await http.get(u));\nexport default async function () { (await group("g", async () => { (await __pgIter(["a"], "forEach", async (u) => (await step(u)))); })); const r = (await __pgIter(["b"], "map", step)); group("pure", () => 1); }\n`,
    );
  });

  it("keeps a function the script declared async a Promise for its callers", () => {
    const out = compile(
      `async function f() { http.get("u"); }\nexport default function () { const p = f(); return p; }\n`,
    );
    expect(body(out.code)).toBe(
      `async function f() { (await http.get("u")); }\nexport default function () { const p = f(); return p; }\n`,
    );
  });

  it("leaves an async-style script alone but for the loop guard", () => {
    const out = compile(
      `export default async function () { for (let i = 0; i < 2; i++) await http.get("u"); }\n`,
    );
    expect(out.syncStyle).toBe(false);
    expect(body(out.code)).toBe(
      `export default async function () { for (let i = 0; i < 2; i++) {__pgLoop();await http.get("u");} }\n`,
    );
  });

  it.each([
    [
      `const f = () => http.get("u");\nexport default function () { setTimeout(f, 1); }`,
      `"f" reaches a blocking k6 call and is used as a value`,
    ],
    [
      `const o = { go() { http.get("u"); } };\nexport default function () { o.go(); }`,
      "an object or class method",
    ],
    [`export default function () { const g = http.get; g("u"); }`, `"http.get" is used as a value`],
    [
      `function send(h) { h.get("u"); }\nexport default function () { send(http); }`,
      `the k6 module "http" is used as a value`,
    ],
    [
      `function* gen() { http.get("u"); }\nexport default function () { gen().next(); }`,
      "a generator function",
    ],
    [
      `function f(r = http.get("u")) {}\nexport default function () { f(); }`,
      "a parameter's default value",
    ],
    [
      `function f() { http.get("u"); }\nfunction g(f) { f(); }\nexport default function () { f(); }`,
      `"f" is declared or assigned more than once`,
    ],
    [
      `export default function () { const r = http.get("u"); r.submitForm({}).json(); }`,
      "submitForm() sends a request the compile step cannot follow",
    ],
  ])("cannot prove %s: falls back and says why", (script, reason) => {
    const out = compile(`${script}\n`);
    expect(out.unproven?.reason).toContain(reason);
    // Nothing is awaited in the fallback build: it runs on VU threads with blocking calls.
    expect(out.code).not.toContain("(await ");
  });

  it("guards loops without braces and keeps line numbers", () => {
    const code = guardLoops(`while (x) y();\ndo z(); while (w);\n`, "file:///rt.ts");
    expect(code.split("\n")).toHaveLength(3);
    expect(code).toContain("while (x) {__pgLoop();y();}");
    expect(code).toContain("do {__pgLoop();z();} while (w);");
  });
});

describe("compileForAsync: what counts as blocking style", () => {
  it("an async script whose only un-awaited k6 call is sleep() stays async-style, its sleep awaited", () => {
    const out = compile(`export default async function () { await http.get("u"); sleep(1); }\n`);
    expect(out.syncStyle).toBe(false);
    expect(body(out.code)).toContain("(await sleep(1));");
  });
});
