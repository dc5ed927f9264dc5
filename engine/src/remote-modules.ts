import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Plugin } from "esbuild";
import { Agent } from "undici";

/**
 * Remote modules (`import { x } from "https://jslib.k6.io/…"`), as k6 loads them: fetched once,
 * at bundle time, into a cache beside the script (`.perfgate-modules/<host>/<path>`, like the
 * files of a `k6 archive`), which later runs read instead of the network. Only `https://` is
 * accepted, as in k6. The loopback rule is for load, not for this download.
 */
export const MODULE_CACHE_DIR = ".perfgate-modules";

let tlsCa: string | undefined;

/** Trust one more CA for module downloads (a test's loopback HTTPS server); undefined resets. */
export function setRemoteModuleCa(ca: string | undefined): void {
  tlsCa = ca;
}

/** Where a module URL is cached, relative to the script's folder. */
export function cachePathOf(url: URL): string {
  let file = decodeURIComponent(url.pathname);
  if (file.endsWith("/") || file === "") file += "index.js";
  const query = url.search ? `__${url.search.slice(1).replace(/[^\w.-]/g, "_")}` : "";
  const segments = `${url.host}${file}${query}`.split("/").filter((s) => s !== "" && s !== "..");
  return path.join(MODULE_CACHE_DIR, ...segments);
}

async function download(url: URL): Promise<string> {
  const dispatcher = new Agent({ connect: tlsCa ? { ca: tlsCa } : {} });
  try {
    // k6 first asks with `_k6=1` (jslib serves k6 builds to it), then without.
    const marked = new URL(url);
    marked.searchParams.append("_k6", "1");
    for (const attempt of [marked, url]) {
      const response = await fetch(attempt, {
        dispatcher,
        signal: AbortSignal.timeout(30_000),
      } as RequestInit);
      if (response.ok) return await response.text();
      if (attempt === url) throw new Error(`the server answered ${response.status}`);
    }
    throw new Error("no answer");
  } finally {
    await dispatcher.close();
  }
}

function describeFailure(cause: unknown): string {
  const error = cause as Error & { cause?: Error & { code?: string } };
  const inner = error.cause ? `${error.cause.code ?? ""} ${error.cause.message}`.trim() : "";
  return inner ? `${error.message}: ${inner}` : error.message;
}

/** The esbuild plugin: `https://` imports (and relative imports inside them) from the cache. */
export function remoteModules(scriptDir: string): Plugin {
  return {
    name: "k6-remote-modules",
    setup(build) {
      build.onResolve({ filter: /^[a-z][a-z0-9+.-]*:\/\//i }, (args) => {
        if (args.path.startsWith("file://")) return undefined;
        if (!args.path.startsWith("https://"))
          return {
            errors: [
              {
                text: `only supported schemes for imports are file and https, ${args.path} has \`${args.path.split(":")[0]}\` (k6 refuses it too)`,
              },
            ],
          };
        return { path: args.path, namespace: "remote" };
      });
      build.onResolve({ filter: /^(\.{1,2})?\//, namespace: "remote" }, (args) => ({
        path: new URL(args.path, args.importer).href,
        namespace: "remote",
      }));
      build.onLoad({ filter: /.*/, namespace: "remote" }, async (args) => {
        const url = new URL(args.path);
        const relative = cachePathOf(url);
        const cached = path.join(scriptDir, relative);
        if (existsSync(cached)) return { contents: await readFile(cached, "utf8"), loader: "js" };
        let text: string;
        try {
          text = await download(url);
        } catch (cause) {
          return {
            errors: [
              {
                text: `remote module ${url.href} could not be downloaded (${describeFailure(cause)}); where the network is unreachable, put the file at ${relative} beside the script (it is read from there first)`,
              },
            ],
          };
        }
        await mkdir(path.dirname(cached), { recursive: true });
        await writeFile(cached, text);
        return { contents: text, loader: "js" };
      });
    },
  };
}
