import type { PackageManager } from "../init/detect.ts";
import type { InitFileOutcome } from "../init/write-files.ts";

/** What `perfgate init` did to each file, then the next steps in the project's package manager. */
export function renderInitSummary(outcomes: readonly InitFileOutcome[], manager: PackageManager) {
  const files = outcomes.map(({ file, action }) => {
    const note = action === "kept-different" ? " (exists; --force overwrites)" : "";
    return `  ${(action === "wrote" ? "wrote" : "kept").padEnd(8)}${file}${note}\n`;
  });
  const run = manager === "npm" ? "npx" : `${manager} exec`;
  return `${files.join("")}
next:
  1. edit perfgate.config.ts: target.start (your start command) and the endpoints
  2. ${run} perfgate load
  3. git add perfgate.config.ts scenarios microbench lighthouserc.json .github reports && git commit -m "perfgate"
`;
}
