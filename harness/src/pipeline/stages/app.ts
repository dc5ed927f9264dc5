import { type AppProcess, startAppProcess } from "../../runners/app.ts";
import { assertLoadTarget } from "../../runners/target.ts";
import { startTargetProcess } from "../../runners/target-process.ts";
import type { LoadContext } from "../load-context.ts";
import type { Stage } from "../stage.ts";

const starting = new WeakMap<LoadContext, Promise<AppProcess>>();

/** Does any stage after this one need the shared app? (The faults stage runs its own.) */
function needsApp({ scenarios, profile }: LoadContext): boolean {
  return scenarios.length > 0 || profile.endpoints.length > 0 || profile.lighthouse !== undefined;
}

function skipApp(context: LoadContext): string | undefined {
  if (context.external) return "testing the app at --base-url";
  return needsApp(context) ? undefined : "no stage needs the shared app";
}

/**
 * Start an instance of the app under test with extra environment: the config's start command,
 * or (no `target.start`, as in the pipeline's own tests) the reference app's starter.
 */
export function startApp(
  context: LoadContext,
  env: Record<string, string>,
  port = 0,
): Promise<AppProcess> {
  if (context.start) {
    return startTargetProcess(context.start, {
      root: context.root,
      port,
      env,
      signal: context.signal,
    });
  }
  return startAppProcess({ root: context.root, port, signal: context.signal, env });
}

/**
 * Starts the app under test and does not wait: the bundle builds meanwhile (the reference app
 * seeds its database template on first use), and `appReadyStage` waits for it. The reference
 * app's debug routes are on, so endpoint passes can switch caching at run time.
 */
export const appStage: Stage<LoadContext> = {
  id: "app",
  unit: { kind: "load", tool: "app" },
  required: true,
  skip: skipApp,
  describe: ({ port, start, seedProducts }) =>
    start
      ? `app: starting \`${start.command}\`${port ? ` on port ${port}` : ""}`
      : `app: starting the reference app (${seedProducts} products; its database template is seeded once per machine)`,
  async run(context) {
    const memory = context.profile.memory;
    const app = startApp(
      context,
      { ...context.appEnv, PERFGATE_APP_DEBUG: "on", ...memory?.appEnv },
      context.port,
    );
    // Awaited by the ready stage; until then a failed start must not be an unhandled rejection.
    app.catch(() => {});
    starting.set(context, app);
    return { suites: [] };
  },
  async cleanup(context) {
    const app = await starting.get(context)?.catch(() => undefined);
    starting.delete(context);
    if (!app) return;
    const stopping = Date.now();
    context.log("app: stopping…");
    await app.stop();
    context.log(`app: stopped (${((Date.now() - stopping) / 1000).toFixed(1)} s)`);
  },
};

/** Waits until the app the run started serves; the loopback rule is checked on its URL. */
export const appReadyStage: Stage<LoadContext> = {
  id: "app-ready",
  unit: { kind: "load", tool: "app" },
  required: true,
  skip: (context) => skipApp(context) ?? (starting.has(context) ? undefined : "no app started"),
  describe: () => "app: waiting until it serves",
  async run(context) {
    const app = await (starting.get(context) as Promise<AppProcess>);
    assertLoadTarget(app.url, context.allowHosts);
    context.baseUrl = app.url;
    context.log(`app up at ${app.url}`);
    return { suites: [] };
  },
};
