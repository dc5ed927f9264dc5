import { type Handler, HttpError, type Routes } from "./http.ts";

export type Match =
  | { kind: "found"; handler: Handler; params: Record<string, string> }
  | { kind: "method-not-allowed"; allow: string[] }
  | { kind: "none" };

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `path: malformed percent-encoding in "${segment.slice(0, 40)}"`);
  }
}

interface Pattern {
  method: string;
  segments: string[];
  handler: Handler;
}

/**
 * Exact paths are one map lookup; parameterised ones (`/api/products/:id`) are matched segment
 * by segment. A path that exists under another method answers 405 with `Allow`.
 */
export function createRouter(routes: Routes): (method: string, pathname: string) => Match {
  const exact = new Map<string, Handler>();
  const patterns: Pattern[] = [];
  const methodsByPath = new Map<string, string[]>();
  for (const [key, handler] of Object.entries(routes)) {
    const [method, path] = key.split(" ") as [string, string];
    if (path.includes("/:")) patterns.push({ method, segments: path.split("/"), handler });
    else exact.set(key, handler);
    methodsByPath.set(path, [...(methodsByPath.get(path) ?? []), method]);
  }

  function matchPattern(segments: string[], pattern: Pattern): Record<string, string> | undefined {
    if (pattern.segments.length !== segments.length) return undefined;
    const params: Record<string, string> = {};
    for (let i = 0; i < segments.length; i++) {
      const want = pattern.segments[i] as string;
      const got = segments[i] as string;
      if (want.startsWith(":")) {
        if (got === "") return undefined;
        params[want.slice(1)] = decode(got);
      } else if (want !== got) return undefined;
    }
    return params;
  }

  return (method, pathname) => {
    const handler = exact.get(`${method} ${pathname}`);
    if (handler) return { kind: "found", handler, params: {} };
    const segments = pathname.split("/");
    const allow = new Set<string>(methodsByPath.get(pathname) ?? []);
    for (const pattern of patterns) {
      const params = matchPattern(segments, pattern);
      if (!params) continue;
      if (pattern.method === method) return { kind: "found", handler: pattern.handler, params };
      allow.add(pattern.method);
    }
    return allow.size > 0 ? { kind: "method-not-allowed", allow: [...allow] } : { kind: "none" };
  };
}
