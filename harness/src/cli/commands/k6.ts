import { engineCli } from "@perfgate/engine";
import type { Command } from "../command.ts";

/**
 * `perfgate k6 run|merge …`: the built-in engine's own command line (the `perfgate-k6` bin of
 * `@perfgate/engine`), reachable from the harness CLI. Exit codes are k6's.
 */
export const k6Command: Command = {
  help: {
    usage: "k6 run <script.ts|js> [k6 flags] | k6 merge <dir>... --out <dir>",
    examples: ["perfgate k6 run scenarios/smoke.ts -e BASE_URL=http://127.0.0.1:3000"],
  },
  run: (argv, io) => engineCli(argv, io),
};
