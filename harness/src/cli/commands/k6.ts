import { engineCli } from "@perfgate/engine";
import type { Command } from "../command.ts";

/**
 * `perfgate k6 run|merge …`: the built-in engine's own command line (the `perfgate-k6` bin of
 * `@perfgate/engine`), reachable from the harness CLI. Exit codes are k6's.
 */
export const k6Command: Command = {
  summary:
    "k6 run <script.ts|js> [k6 flags] | k6 merge <dir>... --out <dir>: the built-in k6 engine",
  run: (argv, io) => engineCli(argv, io),
};
