import net from "node:net";

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One request written byte for byte on a fresh socket (`Connection: close`), for what no HTTP
 * client will send: absolute-form targets that are not URLs, malformed request lines. The
 * answer is read to the end of the connection; `timeoutMs` bounds the wait.
 */
export function rawRequest(
  baseUrl: string,
  requestLine: string,
  timeoutMs = 10_000,
): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname.replace(/^\[|\]$/g, ""));
    const chunks: Buffer[] = [];
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Error(`no answer to ${JSON.stringify(requestLine)} in ${timeoutMs} ms`)),
    );
    socket.on("connect", () =>
      socket.write(`${requestLine}\r\nhost: ${hostname}\r\nconnection: close\r\n\r\n`, "latin1"),
    );
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const end = text.indexOf("\r\n\r\n");
      const [statusLine = "", ...lines] = text.slice(0, end < 0 ? text.length : end).split("\r\n");
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? Number.NaN);
      if (Number.isNaN(status)) {
        reject(
          new Error(`no HTTP answer to ${JSON.stringify(requestLine)}: "${text.slice(0, 80)}"`),
        );
        return;
      }
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(":");
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status, headers, body: end < 0 ? "" : text.slice(end + 4) });
    });
  });
}
