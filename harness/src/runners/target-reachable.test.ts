import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { assertTargetListening } from "./target-reachable.ts";

/** A loopback port that was free a moment ago: listened on, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("assertTargetListening (issue 22 H5)", () => {
  it("passes when something listens", async () => {
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    try {
      await expect(
        assertTargetListening(new URL(`http://127.0.0.1:${port}`), new AbortController().signal),
      ).resolves.toBeUndefined();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("a port with nothing listening is E_TARGET_DOWN naming host and port, exit 3", async () => {
    const port = await closedPort();
    const error = await assertTargetListening(
      new URL(`http://127.0.0.1:${port}/api`),
      new AbortController().signal,
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "E_TARGET_DOWN", exitCode: 3 });
    expect((error as Error).message).toContain(`127.0.0.1:${port} (ECONNREFUSED)`);
  });
});
