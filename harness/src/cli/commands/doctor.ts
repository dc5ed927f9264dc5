import { checkEnvironment } from "../../pipeline/doctor.ts";
import { renderDoctor } from "../../render/doctor.ts";
import { EXIT } from "../../schema/index.ts";
import type { Command } from "../command.ts";

/** `perfgate doctor`: what is available here and what each missing piece disables. Runs no load. */
export const doctorCommand: Command = {
  help: {
    usage: "doctor",
    examples: ["perfgate doctor"],
  },
  async run(_argv, io) {
    const checks = await checkEnvironment(io.env);
    io.out(renderDoctor(checks));
    // Only an unsupported Node stops perfgate; every other missing piece disables a part.
    return checks[0]?.found ? EXIT.ok : EXIT.usage;
  },
};
