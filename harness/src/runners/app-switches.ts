import { EXIT, HarnessError } from "../schema/index.ts";

/**
 * App flags the reference app can change while it runs (PERFGATE_APP_DEBUG=on exposes
 * `/debug/cache`). A pass that asks for one of them is measured on the run's own app with the
 * flag switched, not on a second instance started for it: no start per pass (seconds, most of
 * them seeding and JIT warm-up) and the same process on both sides of the comparison.
 */

const SWITCHES: Record<string, { path: string; body: (value: string) => unknown }> = {
  PERFGATE_APP_CACHE: { path: "/debug/cache", body: (value) => ({ enabled: value !== "off" }) },
};

/** Undo a switch: put the app back as it was. */
export type RestoreSwitch = () => Promise<void>;

/**
 * Apply `env` to the running app at `baseUrl` when every flag in it is switchable and the app
 * exposes the switch; returns how to undo it, or undefined (then the caller starts an instance
 * with the flags instead). Nothing is switched unless everything can be.
 */
export async function switchAppFlags(
  baseUrl: string,
  env: Record<string, string>,
  signal?: AbortSignal,
): Promise<RestoreSwitch | undefined> {
  const entries = Object.entries(env);
  if (entries.length === 0 || entries.some(([name]) => !Object.hasOwn(SWITCHES, name))) {
    return undefined;
  }
  // Bounded: a switch is one small request; a hung app must not hang the run.
  const bounded = () =>
    signal ? AbortSignal.any([signal, AbortSignal.timeout(5000)]) : AbortSignal.timeout(5000);
  const previous: { path: string; state: unknown }[] = [];
  for (const [name] of entries) {
    const { path } = SWITCHES[name] as (typeof SWITCHES)[string];
    const response = await fetch(new URL(path, baseUrl), {
      signal: bounded(),
    }).catch(() => undefined);
    if (!response?.ok) {
      await response?.body?.cancel();
      return undefined;
    }
    previous.push({ path, state: await response.json() });
  }
  const post = async (path: string, body: unknown, abort: AbortSignal) => {
    const response = await fetch(new URL(path, baseUrl), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: abort,
    });
    await response.body?.cancel();
    if (!response.ok) {
      throw new HarnessError(
        "E_APP_SWITCH",
        `app switch: POST ${path} answered ${response.status}`,
        {
          hint: "the app must run with PERFGATE_APP_DEBUG=on; run `npm run app` to see its log",
          exitCode: EXIT.toolFailed,
        },
      );
    }
  };
  for (const [name, value] of entries) {
    const { path, body } = SWITCHES[name] as (typeof SWITCHES)[string];
    await post(path, body(value), bounded());
  }
  return async () => {
    // Cleanup: runs even when the run was interrupted, so only the timeout bounds it.
    for (const { path, state } of previous) await post(path, state, AbortSignal.timeout(5000));
  };
}
