import { createHash, randomBytes } from "node:crypto";

const md5 = (text: string) => createHash("md5").update(text).digest("hex");

/** Credentials of a URL (`http://user:pass@host/`) and the URL without them. */
export function splitCredentials(href: string): {
  url: string;
  user: string | undefined;
  password: string;
} {
  // Credentials need an "@": most URLs skip the parse (a request's hot path).
  if (!href.includes("@")) return { url: href, user: undefined, password: "" };
  const parsed = new URL(href);
  if (parsed.username === "" && parsed.password === "")
    return { url: href, user: undefined, password: "" };
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = "";
  parsed.password = "";
  return { url: parsed.href, user, password };
}

export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}

/**
 * The `Authorization` answer to a `WWW-Authenticate: Digest …` challenge (RFC 2617, MD5 and
 * qop=auth as k6's digest client computes it), or undefined when the challenge is not Digest.
 */
export function digestAuthorization(
  challenge: string | undefined,
  method: string,
  uri: string,
  user: string,
  password: string,
): string | undefined {
  if (!challenge?.startsWith("Digest ")) return undefined;
  const fields = Object.fromEntries(
    [...challenge.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)].map((m) => [
      (m[1] ?? "").toLowerCase(),
      m[2] ?? m[3] ?? "",
    ]),
  );
  const realm = fields.realm ?? "";
  const nonce = fields.nonce ?? "";
  const qop = (fields.qop ?? "")
    .split(",")
    .map((q) => q.trim())
    .includes("auth")
    ? "auth"
    : "";
  const cnonce = randomBytes(8).toString("hex");
  const nc = "00000001";
  let ha1 = md5(`${user}:${realm}:${password}`);
  if ((fields.algorithm ?? "").toUpperCase() === "MD5-SESS") ha1 = md5(`${ha1}:${nonce}:${cnonce}`);
  const ha2 = md5(`${method}:${uri}`);
  const response = qop
    ? md5(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`)
    : md5(`${ha1}:${nonce}:${ha2}`);
  const parts = [
    `username="${user}"`,
    `realm="${realm}"`,
    `nonce="${nonce}"`,
    `uri="${uri}"`,
    `response="${response}"`,
  ];
  if (fields.algorithm) parts.push(`algorithm=${fields.algorithm}`);
  if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`);
  if (fields.opaque !== undefined) parts.push(`opaque="${fields.opaque}"`);
  return `Digest ${parts.join(", ")}`;
}
