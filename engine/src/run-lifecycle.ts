import { callLifecycle, LifecycleThread } from "./lifecycle.ts";
import { EXECUTION_STATUS } from "./rest-api.ts";
import { K6_EXIT, type RunContext } from "./run-context.ts";
import { LifecycleTimeout, lifecycleTimeoutMs, withTimeout } from "./run-options.ts";
import type { PreparedScript, RunPlan } from "./run-plan.ts";

/**
 * setup() and teardown() of one run. In sync mode they run on their own thread, kept open
 * after setup only when a teardown will still need it.
 */
export class RunLifecycle {
  setupData: unknown;
  /** k6's exit code when setup() threw or timed out: the run then ends with its summary. */
  setupFailure: number | undefined;
  readonly thread: LifecycleThread | undefined;
  readonly runTeardown: boolean;

  constructor(
    private readonly ctx: RunContext,
    private readonly prepared: PreparedScript,
    private readonly plan: RunPlan,
  ) {
    this.thread = prepared.syncCompiled
      ? new LifecycleThread(prepared.syncCompiled, ctx.options.env, ctx.scriptDir)
      : undefined;
    this.runTeardown =
      typeof prepared.first.exports.teardown === "function" &&
      plan.scriptOptions.noTeardown !== true;
  }

  /** Runs setup(); on failure, the exit code (k6's 100 for a timeout, 107 for an error). */
  async setup(): Promise<number | undefined> {
    const { ctx, thread } = this;
    const { exports } = this.prepared.first;
    const { scriptOptions } = this.plan;
    ctx.setStatus(EXECUTION_STATUS.setup);
    if (typeof exports.setup === "function" && scriptOptions.noSetup !== true) {
      try {
        this.setupData = await withTimeout(
          callLifecycle("setup", exports, undefined, thread),
          "setup",
          lifecycleTimeoutMs(scriptOptions.setupTimeout),
        );
      } catch (error) {
        await thread?.close();
        if (error instanceof LifecycleTimeout) {
          ctx.options.stderr(`${error.line}\n`);
          this.setupFailure = K6_EXIT.setupTimeout;
        } else {
          ctx.options.stderr(`setup() failed: ${(error as Error).message}\n`);
          this.setupFailure = K6_EXIT.scriptException;
        }
        return this.setupFailure;
      }
    }
    if (!this.runTeardown) await thread?.close();
    return undefined;
  }

  /** Runs teardown() if the script has one; a failure sets the exit code unless one is set. */
  async teardown(): Promise<void> {
    const { ctx, thread } = this;
    const { registry, options } = ctx;
    ctx.setStatus(EXECUTION_STATUS.teardown);
    if (!this.runTeardown) return;
    // teardown's requests count in http_reqs etc., as in k6 (an iteration abandoned at a hard
    // stop could slip a sample in meanwhile).
    registry.frozen = false;
    try {
      await withTimeout(
        callLifecycle("teardown", this.prepared.first.exports, this.setupData, thread),
        "teardown",
        lifecycleTimeoutMs(this.plan.scriptOptions.teardownTimeout),
      );
    } catch (error) {
      if (error instanceof LifecycleTimeout) {
        options.stderr(`${error.line}\n`);
        if (ctx.exitCode === K6_EXIT.ok) ctx.exitCode = K6_EXIT.teardownTimeout;
      } else {
        options.stderr(`teardown() failed: ${(error as Error).message}\n`);
        if (ctx.exitCode === K6_EXIT.ok) ctx.exitCode = K6_EXIT.scriptException;
      }
    }
    await thread?.close();
    registry.frozen = true;
  }
}
