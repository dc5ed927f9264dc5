import { parseDuration } from "./duration.ts";
import { show } from "./options.ts";

/** k6's test-wide options that change what k6/http does, resolved with k6's defaults. */
export interface HttpOptions {
  /** `maxRedirects` (default 10); `maxRedirectsSet` says whether the script set it (k6 warns if not). */
  maxRedirects: number;
  maxRedirectsSet: boolean;
  insecureSkipTLSVerify: boolean;
  /** `tlsVersion` as Node's names (`TLSv1.2`); undefined ends are Node's defaults. */
  tlsMinVersion: "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3" | undefined;
  tlsMaxVersion: "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3" | undefined;
  /** `tlsCipherSuites` as an OpenSSL cipher list; undefined is Node's default. */
  tlsCiphers: string | undefined;
  discardResponseBodies: boolean;
  throw: boolean;
  /** `batch` and `batchPerHost`: how many requests of one http.batch run at once (0 = no limit). */
  batch: number;
  batchPerHost: number;
  noCookiesReset: boolean;
  minIterationDurationMs: number;
  userAgent: string | undefined;
}

export const DEFAULT_HTTP_OPTIONS: HttpOptions = {
  maxRedirects: 10,
  maxRedirectsSet: false,
  insecureSkipTLSVerify: false,
  tlsMinVersion: undefined,
  tlsMaxVersion: undefined,
  tlsCiphers: undefined,
  discardResponseBodies: false,
  throw: false,
  batch: 20,
  batchPerHost: 6,
  noCookiesReset: false,
  minIterationDurationMs: 0,
  userAgent: undefined,
};

const TLS_VERSIONS: Record<string, HttpOptions["tlsMinVersion"]> = {
  "ssl3.0": undefined,
  "tls1.0": "TLSv1",
  "tls1.1": "TLSv1.1",
  "tls1.2": "TLSv1.2",
  "tls1.3": "TLSv1.3",
};

/** k6's (Go's) cipher suite names -> OpenSSL's; TLS 1.3 suites keep their IANA names. */
const CIPHER_SUITES: Record<string, string> = {
  TLS_RSA_WITH_3DES_EDE_CBC_SHA: "DES-CBC3-SHA",
  TLS_RSA_WITH_AES_128_CBC_SHA: "AES128-SHA",
  TLS_RSA_WITH_AES_256_CBC_SHA: "AES256-SHA",
  TLS_RSA_WITH_AES_128_CBC_SHA256: "AES128-SHA256",
  TLS_RSA_WITH_AES_128_GCM_SHA256: "AES128-GCM-SHA256",
  TLS_RSA_WITH_AES_256_GCM_SHA384: "AES256-GCM-SHA384",
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: "ECDHE-ECDSA-AES128-SHA",
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: "ECDHE-ECDSA-AES256-SHA",
  TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA: "ECDHE-RSA-DES-CBC3-SHA",
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: "ECDHE-RSA-AES128-SHA",
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: "ECDHE-RSA-AES256-SHA",
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256: "ECDHE-ECDSA-AES128-SHA256",
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: "ECDHE-RSA-AES128-SHA256",
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: "ECDHE-RSA-AES128-GCM-SHA256",
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: "ECDHE-ECDSA-AES128-GCM-SHA256",
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: "ECDHE-RSA-AES256-GCM-SHA384",
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: "ECDHE-ECDSA-AES256-GCM-SHA384",
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305: "ECDHE-RSA-CHACHA20-POLY1305",
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: "ECDHE-RSA-CHACHA20-POLY1305",
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305: "ECDHE-ECDSA-CHACHA20-POLY1305",
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: "ECDHE-ECDSA-CHACHA20-POLY1305",
  TLS_AES_128_GCM_SHA256: "TLS_AES_128_GCM_SHA256",
  TLS_AES_256_GCM_SHA384: "TLS_AES_256_GCM_SHA384",
  TLS_CHACHA20_POLY1305_SHA256: "TLS_CHACHA20_POLY1305_SHA256",
};

/** Go never restricts TLS 1.3 suites (tlsCipherSuites applies to TLS ≤ 1.2 only). */
const TLS13_SUITES = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

/**
 * k6 options the built-in engine does not implement, each refused at start with what to use
 * instead: running on without them would give different results and say nothing.
 */
const REFUSED: Record<string, string> = {
  rps: "use an arrival-rate executor (constant-arrival-rate) to cap the request rate",
  hosts: "point the script at the address itself (or use /etc/hosts)",
  dns: "resolve with the system resolver (the engine's only one)",
  blockHostnames: "remove the blocked requests from the script",
  blacklistIPs: "remove the blocked requests from the script",
  localIPs: "bind addresses are not selectable; run with real k6",
  tlsAuth: "client certificates are not supported; run with real k6",
  noConnectionReuse: "connections are always kept alive; run with real k6",
  noVUConnectionReuse: "connections are always kept alive; run with real k6",
  httpDebug: "log requests from the script (console.log(JSON.stringify(res)))",
  consoleOutput: "redirect the engine's output instead",
  systemTags: "every system tag is always emitted; filter the output instead",
  summaryTimeUnit: "time values are printed in k6's automatic units",
  executionSegment: "pass --execution-segment on the command line",
  executionSegmentSequence: "pass --execution-segment-sequence on the command line",
};

function tlsVersion(where: string, value: unknown, errors: string[]) {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !(value in TLS_VERSIONS)) {
    errors.push(
      `${where}: must be one of ${Object.keys(TLS_VERSIONS).join(", ")}, got ${show(value)}`,
    );
    return undefined;
  }
  if (value === "ssl3.0")
    errors.push(`${where}: ssl3.0 is not supported by Node's TLS; use tls1.0 or later`);
  return TLS_VERSIONS[value];
}

function positive(where: string, value: unknown, fallback: number, errors: string[]): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    errors.push(`${where}: must be an integer >= 0, got ${show(value)}`);
    return fallback;
  }
  return value;
}

function flag(where: string, value: unknown, errors: string[]): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== "boolean")
    errors.push(`${where}: must be true or false, got ${show(value)}`);
  return value === true;
}

function ciphers(value: unknown, errors: string[]): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    errors.push(
      `options.tlsCipherSuites: must be a list of cipher suite names, got ${show(value)}`,
    );
    return undefined;
  }
  const names: string[] = [];
  for (const name of value) {
    const openssl = CIPHER_SUITES[String(name)];
    if (openssl === undefined)
      errors.push(
        `options.tlsCipherSuites: unknown cipher suite ${show(name)} (known: ${Object.keys(CIPHER_SUITES).join(", ")})`,
      );
    else names.push(openssl);
  }
  return [...names, TLS13_SUITES].join(":");
}

/** Resolves the HTTP options of a script's `options`, or names every problem (k6 exits 104). */
export function parseHttpOptions(raw: Record<string, unknown>): {
  options: HttpOptions;
  errors: string[];
} {
  const errors: string[] = [];
  for (const [key, instead] of Object.entries(REFUSED)) {
    if (raw[key] !== undefined && raw[key] !== null)
      errors.push(`options.${key}: is not supported by the built-in engine; ${instead}`);
  }
  const version = raw.tlsVersion;
  const [min, max] =
    typeof version === "object" && version !== null
      ? [(version as { min?: unknown }).min, (version as { max?: unknown }).max]
      : [version, version];
  const minIteration = raw.minIterationDuration;
  const minIterationMs = minIteration === undefined ? 0 : parseDuration(minIteration);
  if (minIterationMs === undefined)
    errors.push(
      `options.minIterationDuration: ${show(minIteration)} is not a duration (e.g. "1s")`,
    );
  if (raw.userAgent !== undefined && typeof raw.userAgent !== "string")
    errors.push(`options.userAgent: must be a string, got ${show(raw.userAgent)}`);
  const options: HttpOptions = {
    maxRedirects: positive("options.maxRedirects", raw.maxRedirects, 10, errors),
    maxRedirectsSet: raw.maxRedirects !== undefined && raw.maxRedirects !== null,
    insecureSkipTLSVerify: flag("options.insecureSkipTLSVerify", raw.insecureSkipTLSVerify, errors),
    tlsMinVersion: tlsVersion("options.tlsVersion.min", min, errors),
    tlsMaxVersion: tlsVersion("options.tlsVersion.max", max, errors),
    tlsCiphers: ciphers(raw.tlsCipherSuites, errors),
    discardResponseBodies: flag("options.discardResponseBodies", raw.discardResponseBodies, errors),
    throw: flag("options.throw", raw.throw, errors),
    batch: positive("options.batch", raw.batch, 20, errors),
    batchPerHost: positive("options.batchPerHost", raw.batchPerHost, 6, errors),
    noCookiesReset: flag("options.noCookiesReset", raw.noCookiesReset, errors),
    minIterationDurationMs: minIterationMs ?? 0,
    userAgent: typeof raw.userAgent === "string" ? raw.userAgent : undefined,
  };
  return { options, errors };
}
