import { describe, expect, it } from "vitest";
import { assertLoadTarget } from "./target.ts";

describe("assertLoadTarget", () => {
  it.each([
    "http://127.0.0.1:3000",
    "http://127.8.9.10/x",
    "http://[::1]:8080",
    "http://localhost:1",
  ])("accepts loopback %s", (url) => {
    expect(assertLoadTarget(url).href).toContain(new URL(url).host);
  });

  it.each(["http://10.0.0.1", "http://192.168.1.2", "http://example.com", "http://0.0.0.0:80"])(
    "refuses %s without --allow-host",
    (url) => {
      expect(() => assertLoadTarget(url)).toThrow(/not loopback/);
    },
  );

  it("accepts a host listed with --allow-host", () => {
    expect(assertLoadTarget("http://staging.internal:80", ["staging.internal"]).hostname).toBe(
      "staging.internal",
    );
  });

  it("names bad URLs and protocols", () => {
    expect(() => assertLoadTarget("not a url")).toThrow(/is not a URL/);
    expect(() => assertLoadTarget("ftp://127.0.0.1")).toThrow(/not http/);
  });
});
