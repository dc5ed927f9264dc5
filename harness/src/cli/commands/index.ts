import type { Command } from "../command.ts";
import { benchCommand } from "./bench.ts";
import { doctorCommand } from "./doctor.ts";
import { githubCommand } from "./github.ts";
import { k6Command } from "./k6.ts";
import { loadCommand } from "./load.ts";
import { schemaCommand } from "./schema.ts";

/** Every CLI command, by name. Adding one is one file and one line here. */
export const commands = {
  bench: benchCommand,
  doctor: doctorCommand,
  github: githubCommand,
  k6: k6Command,
  load: loadCommand,
  schema: schemaCommand,
} satisfies Record<string, Command>;
