import type { Command } from "../command.ts";
import { benchCommand } from "./bench.ts";
import { benchEngineCommand } from "./bench-engine.ts";
import { compactCommand } from "./compact.ts";
import { compareCommand } from "./compare.ts";
import { diffCommand } from "./diff.ts";
import { distributedCommand } from "./distributed.ts";
import { doctorCommand } from "./doctor.ts";
import { evaluateCommand } from "./evaluate.ts";
import { githubCommand } from "./github.ts";
import { k6Command } from "./k6.ts";
import { lhciCommand } from "./lhci.ts";
import { loadCommand } from "./load.ts";
import { reportCommand } from "./report.ts";
import { schemaCommand } from "./schema.ts";

/** Every CLI command, by name. Adding one is one file and one line here. */
export const commands = {
  bench: benchCommand,
  "bench-engine": benchEngineCommand,
  compact: compactCommand,
  compare: compareCommand,
  diff: diffCommand,
  distributed: distributedCommand,
  doctor: doctorCommand,
  evaluate: evaluateCommand,
  github: githubCommand,
  k6: k6Command,
  lhci: lhciCommand,
  load: loadCommand,
  report: reportCommand,
  schema: schemaCommand,
} satisfies Record<string, Command>;
