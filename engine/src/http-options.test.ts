import { describe, expect, it } from "vitest";
import { DEFAULT_HTTP_OPTIONS, parseHttpOptions } from "./http-options.ts";

describe("parseHttpOptions (k6's test-wide HTTP options)", () => {
  it("resolves k6's defaults and the options a script sets", () => {
    expect(parseHttpOptions({})).toEqual({ options: DEFAULT_HTTP_OPTIONS, errors: [] });
    const { options, errors } = parseHttpOptions({
      maxRedirects: 0,
      insecureSkipTLSVerify: true,
      tlsVersion: { min: "tls1.2", max: "tls1.3" },
      tlsCipherSuites: ["TLS_RSA_WITH_AES_128_GCM_SHA256"],
      minIterationDuration: "1.5s",
      noCookiesReset: true,
      batchPerHost: 0,
      userAgent: "me",
    });
    expect(errors).toEqual([]);
    expect(options).toMatchObject({
      maxRedirects: 0,
      maxRedirectsSet: true,
      insecureSkipTLSVerify: true,
      tlsMinVersion: "TLSv1.2",
      tlsMaxVersion: "TLSv1.3",
      minIterationDurationMs: 1500,
      noCookiesReset: true,
      batchPerHost: 0,
      userAgent: "me",
    });
    // Go never restricts TLS 1.3 suites, so they stay available.
    expect(options.tlsCiphers).toBe(
      "AES128-GCM-SHA256:TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256",
    );
  });

  it("names every bad value and refuses the options the engine lacks, saying what to use", () => {
    const { errors } = parseHttpOptions({
      tlsVersion: "tls9",
      tlsCipherSuites: ["NOPE"],
      maxRedirects: -1,
      throw: "yes",
      rps: 100,
      hosts: { "a.test": "127.0.0.1" },
    });
    expect(errors).toEqual([
      "options.rps: is not supported by the built-in engine; use an arrival-rate executor (constant-arrival-rate) to cap the request rate",
      "options.hosts: is not supported by the built-in engine; point the script at the address itself (or use /etc/hosts)",
      "options.maxRedirects: must be an integer >= 0, got -1",
      expect.stringMatching(/^options\.tlsVersion\.min: must be one of ssl3\.0, tls1\.0/),
      expect.stringMatching(/^options\.tlsVersion\.max: must be one of/),
      expect.stringMatching(/^options\.tlsCipherSuites: unknown cipher suite "NOPE" \(known: /),
      'options.throw: must be true or false, got "yes"',
    ]);
  });
});
