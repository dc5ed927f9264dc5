import { readFile } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "../../history/atomic-write.ts";
import {
  EXIT,
  HarnessError,
  parseRunResult,
  renderRunResultJsonSchema,
} from "../../schema/index.ts";
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
      const text = await readFile(path.resolve(io.cwd, file), "utf8").catch((cause) => {
        throw new HarnessError("E_READ", `${file}: cannot read (${(cause as Error).message})`, {
          hint: "check the path",
          exitCode: EXIT.usage,
          cause,
        });
      });
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch (cause) {
        throw new HarnessError("E_SCHEMA", `${file}: not JSON (${(cause as Error).message})`, {
          exitCode: EXIT.schema,
          cause,
        });
      }
      parseRunResult(data, file);
      io.out(`${file}: valid run record\n`);
      return EXIT.ok;
    }
    throw new HarnessError("E_USAGE", `schema: expected "export" or "validate <file>"`, {
      hint: "perfgate schema export | perfgate schema validate reports/runs/<runId>/run.json",
      exitCode: EXIT.usage,
    });
  },
};
