/**
 * Load goes to loopback only: every request's host must be 127.0.0.0/8, ::1 or `localhost`,
 * or a host the run allows (`--allow-host`, repeatable). Checked in the transport before a
 * connection is opened, for every hop (redirects included), in every thread. k6 itself has no
 * such guard; the engine has it so a scenario's own absolute URLs cannot load a machine the
 * user does not own.
 */
import { isIP } from "node:net";

/** The one flag that lets load leave loopback; named in the refusal. */
export const ALLOW_HOST_FLAG = "--allow-host";

/** A request to a host the run does not allow; the run stops (k6's exit 104, bad options). */
export class HostRefusedError extends Error {
  readonly code = "E_HOST_REFUSED";
  /** k6's 104 (invalid config): the run lacked the option that allows the host. */
  readonly exitCode = 104;
  constructor(readonly host: string) {
    super(
      `request to ${host} refused: load goes only to loopback (127.0.0.0/8, [::1], localhost); to load a host you own, pass ${ALLOW_HOST_FLAG} ${host}`,
    );
    // The message says it all; the iteration's error line needs no stack of the transport.
    this.stack = `${this.message}`;
  }
}

/** `host` without IPv6 brackets, lower-case, no trailing dot. */
function bare(host: string): string {
  const lower = host.toLowerCase().replace(/\.$/, "");
  return lower.startsWith("[") && lower.endsWith("]") ? lower.slice(1, -1) : lower;
}

/** Whether a URL's hostname is loopback: 127.0.0.0/8, ::1 (and its IPv4-mapped forms), localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const host = bare(hostname);
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  if (isIP(host) === 6) {
    if (host === "::1" || /^(0{1,4}:){7}0{0,3}1$/.test(host)) return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host)?.[1];
    if (mapped) return mapped.startsWith("127.");
    // new URL() writes a mapped IPv4 address in hex: ::ffff:7f00:1
    return /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(host);
  }
  return false;
}

let allowed: ReadonlySet<string> = new Set();

/** The hosts this thread may load besides loopback (set once per run and per thread). */
export function allowHosts(hosts: readonly string[]): void {
  allowed = new Set(hosts.map(bare));
}

/** Throws HostRefusedError unless `hostname` is loopback or allowed. */
export function assertHostAllowed(hostname: string): void {
  if (isLoopbackHost(hostname) || allowed.has(bare(hostname))) return;
  throw new HostRefusedError(bare(hostname));
}
