import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ParityServer, startParityServer } from "../../test/conformance/parity-server.ts";
import { selfSignedCert } from "../../test/conformance/tls-cert.ts";
import { DEFAULT_HTTP_OPTIONS, parseHttpOptions } from "../http-options.ts";
import { Registry } from "../metrics.ts";
import { transportSettings } from "../run-options.ts";
import { newGroup, setEngineState, vuStorage } from "../state.ts";
import { resetJars } from "./cookies.ts";
import { batch, CookieJar, cookieJar, file, get, post, request } from "./http.ts";
import { configureTransport } from "./transport.ts";

/**
 * The async-mode k6/http (the same request code the I/O thread runs for sync-mode VUs) against
 * real loopback servers: plain HTTP, HTTPS with a self-made certificate, HTTP/2.
 */
let plain: ParityServer;
let tls: ParityServer;
let h2: ParityServer;
let registry: Registry;
let logged: string[];

function useOptions(raw: Record<string, unknown>): void {
  const { options, errors } = parseHttpOptions(raw);
  expect(errors).toEqual([]);
  setEngineState({
    registry,
    env: {},
    scriptDir: ".",
    rootGroup: newGroup("", ""),
    startedAt: Date.now(),
    abort: () => {},
    userAgent: "k6-test",
    http: options,
    log: (line) => logged.push(line),
  });
  configureTransport(transportSettings(options));
}

const count = (name: string) => registry.sinkOf(name)?.sink.sum ?? 0;
const asVu = <T>(vu: number, iter: number, fn: () => Promise<T>) =>
  vuStorage.run(
    { vu, iter, scenario: "s", iterationInScenario: 0, groupPath: "", tags: {}, pendingSleepMs: 0 },
    fn,
  );

beforeAll(async () => {
  const keys = selfSignedCert();
  plain = await startParityServer();
  tls = await startParityServer({ tls: keys });
  h2 = await startParityServer({ tls: keys, h2: true });
});
afterAll(async () => {
  configureTransport(transportSettings(DEFAULT_HTTP_OPTIONS));
  await Promise.all([plain.close(), tls.close(), h2.close()]);
});
beforeEach(() => {
  registry = new Registry();
  logged = [];
  resetJars();
  useOptions({});
});

describe("k6/http requests (async mode) on loopback", () => {
  it("keeps a cookie jar per VU, fresh at each iteration, plus params.cookies and own jars", async () => {
    await asVu(1, 0, () => get(`${plain.baseUrl}/set?a=1`));
    const same = await asVu(1, 0, () => get(`${plain.baseUrl}/cookies`, { cookies: { b: "2" } }));
    expect(same.json()).toEqual({ a: "1", b: "2" });
    expect(same.request.cookies).toEqual({
      a: [{ name: "a", value: "1", replace: false }],
      b: [{ name: "b", value: "2", replace: false }],
    });
    const other = await asVu(2, 0, () => get(`${plain.baseUrl}/cookies`));
    expect(other.json()).toEqual({});
    const nextIteration = await asVu(1, 1, () => get(`${plain.baseUrl}/cookies`));
    expect(nextIteration.json()).toEqual({});
    const jar = new CookieJar();
    jar.set(plain.baseUrl, "own", "x");
    const own = await asVu(1, 1, () => get(`${plain.baseUrl}/cookies`, { jar }));
    expect(own.json()).toEqual({ own: "x" });
    await asVu(1, 1, () => get(`${plain.baseUrl}/set?z=9`));
    expect(asVuSync(1, 1, () => cookieJar().cookiesForURL(`${plain.baseUrl}/`))).toEqual({
      z: ["9"],
    });
  });

  it("noCookiesReset keeps the VU's cookies across iterations", async () => {
    useOptions({ noCookiesReset: true });
    await asVu(1, 0, () => get(`${plain.baseUrl}/set?a=1`));
    expect((await asVu(1, 5, () => get(`${plain.baseUrl}/cookies`))).json()).toEqual({ a: "1" });
  });

  it("counts every redirect hop, follows a 303 with GET and stops at maxRedirects", async () => {
    const hitsBefore = plain.hits;
    const res = await get(`${plain.baseUrl}/redirect/3`);
    expect([res.status, res.body, count("http_reqs"), plain.hits - hitsBefore]).toEqual([
      200,
      "done",
      4,
      4,
    ]);
    const seeOther = await post(`${plain.baseUrl}/see-other`, "data");
    expect(seeOther.json()).toEqual({ method: "GET", length: 0 });
    useOptions({ maxRedirects: 1 });
    expect((await get(`${plain.baseUrl}/redirect/3`)).status).toBe(302);
    expect(logged).toEqual([]);
    useOptions({});
    expect((await get(`${plain.baseUrl}/redirect/12`)).status).toBe(302);
    expect(logged[0]).toContain('msg="Stopped after 11 redirects');
  });

  it("sends URL credentials as basic auth and answers a digest challenge (two requests)", async () => {
    const withUser = plain.baseUrl.replace("http://", "http://user:passwd@");
    expect((await get(`${withUser}/basic`)).status).toBe(200);
    const before = count("http_reqs");
    const digest = await get(`${withUser}/digest`, { auth: "digest" });
    expect([digest.status, digest.body, count("http_reqs") - before]).toEqual([
      200,
      "digest ok",
      2,
    ]);
    expect(registry.sinkOf("http_req_failed")?.sink.nonZero).toBe(0);
    await expect(get(`${withUser}/basic`, { auth: "ntlm" })).rejects.toThrow(
      'auth: "ntlm" is not supported',
    );
  });

  it("decodes gzip bodies; sends repeated keys for array form values and multipart for http.file", async () => {
    expect((await get(`${plain.baseUrl}/gzip`)).json()).toMatchObject({ gzip: true });
    const form = await post(`${plain.baseUrl}/echo`, { t: ["a", "b c"], n: 1 });
    expect(form.json()).toMatchObject({ body: "n=1&t=a&t=b+c" });
    const packed = await post(`${plain.baseUrl}/echo`, "squeeze me", { compression: "gzip" });
    const echoed = packed.json() as { body: string; headers: Record<string, string> };
    expect(gunzipSync(Buffer.from(echoed.body, "latin1")).toString()).toBe("squeeze me");
    expect([echoed.headers["content-encoding"], packed.request.body]).toEqual([
      "gzip",
      "squeeze me",
    ]);
    const upload = await post(`${plain.baseUrl}/echo`, {
      f: file("xyz", "x.bin", "application/x-test"),
    });
    const { body, contentType } = upload.json() as { body: string; contentType: string };
    const boundary = contentType.split("boundary=")[1];
    expect(body).toBe(
      `--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="x.bin"\r\nContent-Type: application/x-test\r\n\r\nxyz\r\n--${boundary}--\r\n`,
    );
  });

  it("runs http.batch in parallel, at most batchPerHost per host", async () => {
    await batch([1, 2, 3].map(() => `${plain.baseUrl}/slow?ms=300`));
    expect((await get(`${plain.baseUrl}/slow-max`)).json()).toEqual({ max: 3 });
    useOptions({ batchPerHost: 2 });
    const byName = await batch({
      a: `${plain.baseUrl}/slow?ms=200`,
      b: `${plain.baseUrl}/slow?ms=200`,
      c: `${plain.baseUrl}/slow?ms=200`,
    });
    expect(Object.keys(byName)).toEqual(["a", "b", "c"]);
    expect((await get(`${plain.baseUrl}/slow-max`)).json()).toEqual({ max: 2 });
  });

  it("TLS: a self-made certificate fails with a warning unless insecureSkipTLSVerify; tlsVersion and tlsCipherSuites apply", async () => {
    const refused = await get(`${tls.baseUrl}/`);
    expect([refused.status, refused.error_code]).toEqual([0, 1310]);
    expect(logged[0]).toMatch(/^level=warning msg="Request Failed" error="Get \\"https:/);
    useOptions({
      insecureSkipTLSVerify: true,
      tlsVersion: "tls1.2",
      tlsCipherSuites: ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"],
    });
    const ok = await get(`${tls.baseUrl}/`);
    expect([ok.status, ok.tls_version, ok.tls_cipher_suite, ok.proto]).toEqual([
      200,
      "tls1.2",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "HTTP/1.1",
    ]);
    useOptions({ insecureSkipTLSVerify: true });
    const viaH2 = await get(`${h2.baseUrl}/status/404`);
    expect([viaH2.proto, viaH2.status_text, viaH2.remote_ip, viaH2.remote_port]).toEqual([
      "HTTP/2.0",
      "404 Not Found",
      "127.0.0.1",
      Number(new URL(h2.baseUrl).port),
    ]);
  });

  it("throw, discardResponseBodies and res.html()/submitForm()", async () => {
    useOptions({ throw: true });
    await expect(request("GET", "http://127.0.0.1:1/")).rejects.toThrow(
      'Get "http://127.0.0.1:1/"',
    );
    expect(logged).toEqual([]);
    useOptions({ discardResponseBodies: true });
    expect((await get(`${plain.baseUrl}/html`)).body).toBeNull();
    const page = await get(`${plain.baseUrl}/html`, { responseType: "text" });
    expect(page.html("title").text()).toBe("Parity page");
    const sent = (await page.submitForm({
      fields: { user: "z" },
      params: { responseType: "text" },
    })) as Awaited<ReturnType<typeof get>>;
    expect(sent.json()).toMatchObject({ method: "POST", body: "csrf=t0k3n&go=Go&size=m&user=z" });
  });
});

function asVuSync<T>(vu: number, iter: number, fn: () => T): T {
  return vuStorage.run(
    { vu, iter, scenario: "s", iterationInScenario: 0, groupPath: "", tags: {}, pendingSleepMs: 0 },
    fn,
  );
}
