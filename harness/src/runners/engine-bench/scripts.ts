/** k6 scripts the engine benchmark runs, generated so each targets the bench server. */
export function closedLoopScript(style: "async" | "sync", vus: number, duration: string): string {
  const call = style === "async" ? "await http.get(__ENV.TARGET)" : "http.get(__ENV.TARGET)";
  return `import http from "k6/http";
export const options = { vus: ${vus}, duration: "${duration}" };
export default ${style === "async" ? "async " : ""}function () { ${call}; }
`;
}

export function arrivalRateScript(rate: number, duration: string, preAllocatedVUs: number): string {
  return `import http from "k6/http";
export const options = { scenarios: { open: { executor: "constant-arrival-rate", rate: ${rate}, timeUnit: "1s", duration: "${duration}", preAllocatedVUs: ${preAllocatedVUs}, maxVUs: ${preAllocatedVUs * 2} } } };
export default async function () { await http.get(__ENV.TARGET); }
`;
}

/** k6's blocking style (`http.get(url); sleep(1)`) or its async twin, `thinkSeconds` of think time. */
export function thinkTimeScript(
  style: "async" | "sync",
  vus: number,
  duration: string,
  thinkSeconds: number,
): string {
  const call = style === "async" ? "await http.get(__ENV.TARGET)" : "http.get(__ENV.TARGET)";
  const pause = style === "async" ? `await sleep(${thinkSeconds})` : `sleep(${thinkSeconds})`;
  return `import http from "k6/http";
import { sleep } from "k6";
export const options = { vus: ${vus}, duration: "${duration}" };
export default ${style === "async" ? "async " : ""}function () { ${call}; ${pause}; }
`;
}

/**
 * The target: a bare node:http server in its own process, so it never shares a thread with a
 * generator. It notes when each connection sent its first request (epoch ms): `/__stats` lists
 * them, `/__reset` starts over, so a bench can tell when a generator had all its VUs sending.
 */
export const TARGET_SERVER = `
const http = require("node:http");
let firsts = [];
const server = http.createServer((req, res) => {
  if (req.url === "/__reset") { firsts = []; res.end("{}"); return; }
  if (req.url === "/__stats") { res.end(JSON.stringify({ firsts })); return; }
  if (!req.socket.seen) { req.socket.seen = true; firsts.push(Date.now()); }
  res.writeHead(200, { "content-type": "text/plain" }); res.end("ok");
});
server.keepAliveTimeout = 65000;
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ url: "http://127.0.0.1:" + server.address().port + "/" })));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
`;
