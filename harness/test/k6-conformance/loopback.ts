import { createServer, type IncomingMessage } from "node:http";
import { k6Command } from "../../src/cli/commands/k6.ts";

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

/**
 * `perfgate k6 run|merge <argv>` in process, output captured. A usage error (thrown by the
 * command, e.g. a bad flag) comes back as its exit code with its message on stderr.
 */
export async function k6Cli(
  argv: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  let code: number;
  try {
    code = await k6Command.run(argv, {
      out: (text) => {
        stdout += text;
      },
      err: (text) => {
        stderr += text;
      },
      cwd,
      env,
      signal: new AbortController().signal,
    });
  } catch (error) {
    const { exitCode, message } = error as { exitCode?: number; message: string };
    if (exitCode === undefined) throw error;
    code = exitCode;
    stderr += message;
  }
  return { code, stdout, stderr };
}
