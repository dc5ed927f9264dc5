/**
 * esbuild options for bundling a user's scenarios, suites and paths modules: a harness running
 * from its .ts sources (a clone) resolves `perfgate/workloads` to the sources too, like the
 * harness itself; the compiled package resolves to its dist/ (esbuild's defaults).
 */
export const sourceConditions: { conditions?: string[] } = import.meta.url.endsWith(".ts")
  ? { conditions: ["perfgate-source"] }
  : {};
