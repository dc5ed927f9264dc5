/** k6's error codes (lib/netext/httpext/error_codes.go) for what Node and undici raise. */
const BY_CODE: Record<string, number> = {
  ECONNREFUSED: 1212,
  ECONNRESET: 1220,
  EPIPE: 1201,
  ETIMEDOUT: 1211,
  ENOTFOUND: 1101,
  EAI_AGAIN: 1100,
  UND_ERR_HEADERS_TIMEOUT: 1050,
  UND_ERR_BODY_TIMEOUT: 1050,
  UND_ERR_CONNECT_TIMEOUT: 1211,
  ERR_INVALID_URL: 1020,
  DEPTH_ZERO_SELF_SIGNED_CERT: 1310,
  SELF_SIGNED_CERT_IN_CHAIN: 1310,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 1310,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 1310,
  CERT_HAS_EXPIRED: 1300,
  ERR_TLS_CERT_ALTNAME_INVALID: 1311,
  ERR_SSL_NO_PROTOCOLS_AVAILABLE: 1300,
  DECOMPRESSION: 1701,
};

/** A request error's k6 code: by Node's `code`, TLS alerts 1300, anything else 1000. */
export function k6ErrorCode(cause: unknown): number {
  const code = String((cause as { code?: unknown })?.code ?? "");
  const known = BY_CODE[code];
  if (known !== undefined) return known;
  if (code.includes("TIMEOUT")) return 1050;
  if (code.startsWith("ERR_SSL") || code.startsWith("ERR_TLS")) return 1300;
  return 1000;
}

/** The error text k6 prints: `Get "url": <cause>` as Go's net/http words it. */
export function k6ErrorText(method: string, url: string, cause: unknown): string {
  const verb = method.charAt(0) + method.slice(1).toLowerCase();
  const message = (cause as Error)?.message ?? String(cause);
  return `${verb} "${url}": ${message}`;
}
