import type { K6Engine } from "../runners/k6.ts";
import type { PerfgateConfig, StartCommand } from "../schema/config.ts";
import type { LoadProfile } from "./profiles.ts";
import type { StageIo } from "./stage.ts";
import type { MemoryStage } from "./stages/memory.ts";

/** A bundled k6 scenario: its id (file base name = suite id = history key) and bundle file. */
export interface BundledScenario {
  id: string;
  bundle: string;
}

/** What the stages of `perfgate load` share. */
export interface LoadContext extends StageIo {
  root: string;
  /** `.perf/<runId>/raw/`: every tool's untouched output. */
  rawDir: string;
  profile: LoadProfile;
  env: NodeJS.ProcessEnv;
  /** Live tool output (TTY runs only). */
  echo?: ((text: string) => void) | undefined;
  engine: K6Engine;
  autocannonVersion: string;
  /** Port for the app the run starts (0 = a free one). */
  port: number;
  allowHosts: readonly string[];
  /** The config's extra sensitive names (`redact`), for the engine and every record. */
  redact: readonly string[];
  /** Scenarios bundled before anything starts, so a bad file fails with nothing started. */
  scenarios: BundledScenario[];
  faultsScenario: BundledScenario | undefined;
  /** The app under test: given by `--base-url` (external) or set by the app stage. */
  baseUrl: string | undefined;
  external: boolean;
  /** Products in the app's catalogue: the app seeds them, scenarios and paths ask only for them. */
  seedProducts: number;
  /** Flags of every app the run starts: the catalogue size and the web build it serves. */
  appEnv: Record<string, string>;
  /** Set by the bundle stage: whether this run's web build exists (Lighthouse audits it). */
  bundleOk?: boolean;
  /** How the app under test starts (perfgate.config.ts `target.start`); undefined: the reference app's own starter. */
  start?: StartCommand | undefined;
  /** perfgate.config.ts `bundle`: undefined means no bundle stage. */
  bundle?: PerfgateConfig["bundle"];
  /** perfgate.config.ts `lighthouse`: undefined means no Lighthouse stage. */
  lighthouse?: PerfgateConfig["lighthouse"];
  /** Set by the memory sampling stage while the scenarios run. */
  memory?: MemoryStage | undefined;
}
