import { describe, expect, it } from "vitest";
import { allowHosts, assertHostAllowed, HostRefusedError, isLoopbackHost } from "./host-guard.ts";

describe("the loopback rule", () => {
  it.each([
    "127.0.0.1",
    "127.1.2.3",
    "localhost",
    "LOCALHOST.",
    "api.localhost",
    "[::1]",
    "::1",
    "[::ffff:7f00:1]",
    "::ffff:127.0.0.1",
    "0:0:0:0:0:0:0:1",
  ])("%s is loopback", (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each([
    "10.200.0.1",
    "128.0.0.1",
    "0.0.0.0",
    "example.com",
    "localhost.example.com",
    "127.0.0.1.nip.io",
    "[::2]",
    "[::ffff:a00:1]",
    "[fe80::1]",
  ])("%s is not", (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });

  it("refuses a host until it is allowed, naming the host and the flag", () => {
    allowHosts([]);
    expect(() => assertHostAllowed("10.200.0.1")).toThrow(HostRefusedError);
    expect(() => assertHostAllowed("10.200.0.1")).toThrow(
      "request to 10.200.0.1 refused: load goes only to loopback (127.0.0.0/8, [::1], localhost); to load a host you own, pass --allow-host 10.200.0.1",
    );
    allowHosts(["10.200.0.1", "[fd00::5]", "Stage.Example.com"]);
    expect(() => assertHostAllowed("10.200.0.1")).not.toThrow();
    expect(() => assertHostAllowed("[fd00::5]")).not.toThrow();
    expect(() => assertHostAllowed("stage.example.com")).not.toThrow();
    expect(() => assertHostAllowed("10.200.0.2")).toThrow(HostRefusedError);
    allowHosts([]);
  });
});
