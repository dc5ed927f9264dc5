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

/** The target: a bare node:http server in its own process, so it never shares a thread with a generator. */
export const TARGET_SERVER = `
const http = require("node:http");
const server = http.createServer((req, res) => { res.writeHead(200, { "content-type": "text/plain" }); res.end("ok"); });
server.keepAliveTimeout = 65000;
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ url: "http://127.0.0.1:" + server.address().port + "/" })));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
`;
