import path from "node:path";
import { writeFileAtomic } from "../../history/atomic-write.ts";
import { readRunFile } from "../../history/run-store.ts";
import { EXIT, HarnessError, renderRunResultJsonSchema } from "../../schema/index.ts";
import type { Command } from "../command.ts";

export const SCHEMA_FILE = "harness/src/schema/run-result.schema.json";

/** `perfgate schema export` rewrites the committed JSON Schema; `schema validate <file>` checks a record. */
export const schemaCommand: Command = {
  help: {
    usage: "schema export | schema validate <run.json>",
    examples: ["perfgate schema validate reports/runs/<runId>/run.json"],
  },
  async run(argv, io) {
    const [action, file] = argv;
    if (action === "export") {
      const target = path.resolve(io.cwd, SCHEMA_FILE);
      await writeFileAtomic(target, renderRunResultJsonSchema());
      io.out(`wrote ${SCHEMA_FILE}\n`);
      return EXIT.ok;
    }
    if (action === "validate" && file) {
      await readRunFile(path.resolve(io.cwd, file), file);
      io.out(`${file}: valid run record\n`);
      return EXIT.ok;
    }
    throw new HarnessError("E_USAGE", `schema: expected "export" or "validate <file>"`, {
      hint: "perfgate schema export | perfgate schema validate reports/runs/<runId>/run.json",
      exitCode: EXIT.usage,
    });
  },
};
