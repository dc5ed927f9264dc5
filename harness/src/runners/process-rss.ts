import pidusage from "pidusage";

/** One reading of a process's resident set size. */
export interface RssSample {
  /** Milliseconds since sampling started. */
  tMs: number;
  rss: number;
}

export interface ProcessRssSampler {
  /** Stop sampling and return the readings (the process may already have exited). */
  stop(): Promise<RssSample[]>;
}

/**
 * Read another process's RSS every `intervalMs` (pidusage: /proc on Linux, ps elsewhere) until
 * stopped or until the process is gone. Used for the load generator during a soak: the app's
 * memory comes from its own /debug/memory, but the generator must be watched from outside, the
 * same way for the built-in engine and for real k6.
 */
export function startProcessRssSampler(
  pid: number,
  intervalMs: number,
  maxSamples = 10_000,
): ProcessRssSampler {
  const samples: RssSample[] = [];
  const started = performance.now();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let pending: Promise<void> = Promise.resolve();

  const poll = async () => {
    try {
      const stats = await pidusage(pid);
      if (!stopped && samples.length < maxSamples)
        samples.push({ tMs: Math.round(performance.now() - started), rss: stats.memory });
    } catch {
      // The process has exited: nothing more to read.
      stopped = true;
    }
    if (!stopped) timer = setTimeout(tick, intervalMs);
  };
  const tick = () => {
    pending = poll();
  };
  tick();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await pending;
      await pidusage.clear();
      return samples;
    },
  };
}
