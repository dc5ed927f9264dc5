import { type AppProcess, startAppProcess } from "../../runners/app.ts";
import { assertLoadTarget } from "../../runners/target.ts";
import { startTargetProcess } from "../../runners/target-process.ts";
import type { LoadContext } from "../load-context.ts";
import type { Stage } from "../stage.ts";

const running = new WeakMap<LoadContext, AppProcess>();

/** Does any stage after this one need the shared app? (The faults stage runs its own.) */
function needsApp({ scenarios, profile }: LoadContext): boolean {
  return scenarios.length > 0 || profile.endpoints.length > 0 || profile.lighthouse !== undefined;
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
 * The app under test: started here (flags of earlier stages and the memory profile), or the
 * one `--base-url` names. Either way the target is checked against the loopback rule.
 */
export const appStage: Stage<LoadContext> = {
  id: "app",
  unit: { kind: "load", tool: "app" },
  required: true,
  skip: (context) =>
    context.external
      ? "testing the app at --base-url"
      : needsApp(context)
        ? undefined
        : "no stage needs the shared app",
  describe: ({ port, start }) =>
    `app: starting ${start ? `\`${start.command}\`` : "the reference app"}${port ? ` on port ${port}` : ""}`,
  async run(context) {
    const memory = context.profile.memory;
    const app = await startApp(
      context,
      { ...context.appEnv, ...(memory ? { PERFGATE_APP_DEBUG: "on", ...memory.appEnv } : {}) },
      context.port,
    );
    running.set(context, app);
    assertLoadTarget(app.url, context.allowHosts);
    context.baseUrl = app.url;
    context.log(`app up at ${app.url}`);
    return { suites: [] };
  },
  async cleanup(context) {
    await running.get(context)?.stop();
    running.delete(context);
  },
};
