import { isIP } from "node:net";
import { EXIT, HarnessError } from "../schema/index.ts";

function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "");
  if (bare === "localhost") return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  if (isIP(bare) === 6) return bare === "::1" || bare === "0:0:0:0:0:0:0:1";
  return false;
}

/**
 * Load goes to loopback only, unless the host is listed with `--allow-host`. Checked before any
 * request is sent, for every target URL a run will use.
 */
export function assertLoadTarget(target: string, allowHosts: readonly string[] = []): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch (cause) {
    throw new HarnessError("E_TARGET", `target "${target}" is not a URL`, {
      hint: "use e.g. http://127.0.0.1:3000",
      exitCode: EXIT.usage,
      cause,
    });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new HarnessError(
      "E_TARGET",
      `target "${target}": protocol ${url.protocol} is not http(s)`,
      {
        exitCode: EXIT.usage,
      },
    );
  }
  if (!isLoopback(url.hostname) && !allowHosts.includes(url.hostname)) {
    throw new HarnessError("E_TARGET_NOT_ALLOWED", `target host ${url.hostname} is not loopback`, {
      hint: `perfgate sends load to 127.0.0.1/[::1] only; to load a host you own, pass --allow-host ${url.hostname}`,
      exitCode: EXIT.usage,
    });
  }
  return url;
}
