import { createServer, type IncomingMessage } from "node:http";
import { engineCli } from "../../src/cli.ts";

/** What the test server answers: a status (200) and a text or JSON body. */
export interface Reply {
  status?: number;
  text?: string;
  json?: unknown;
}

export interface Loopback {
  baseUrl: string;
  close(): Promise<void>;
}

/** A `node:http` server on 127.0.0.1 at a free port; `respond` sees each request and its body. */
export async function startLoopback(
  respond: (req: IncomingMessage, body: string) => Reply,
): Promise<Loopback> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      const reply = respond(req, body);
      if (reply.json !== undefined) res.setHeader("content-type", "application/json");
      res.writeHead(reply.status ?? 200);
      res.end(reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? "ok"));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The engine's CLI (`run|merge <argv>`) in process, output captured; usage errors answer 104. */
export async function k6Cli(
  argv: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  // The mode the suite runs in (examples-threads.test.ts runs it on a thread per VU).
  const mode = process.env.PERFGATE_ENGINE_MODE;
  const code = await engineCli(argv, {
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
    cwd,
    env: mode ? { PERFGATE_ENGINE_MODE: mode, ...env } : env,
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}
