import { PerfgateConfig } from "../schema/config.ts";
import { EXIT, HarnessError } from "../schema/errors.ts";
import { formatIssues } from "../schema/validate.ts";

/**
 * Validate what a config file exported. Every problem at once, each naming its key
 * (`profiles.quick.endpoints[0].path: ...`) and the file. Pure.
 */
export function parseConfig(data: unknown, source: string): PerfgateConfig {
  const result = PerfgateConfig.safeParse(data);
  if (!result.success) {
    throw new HarnessError(
      "E_CONFIG",
      `${source}: invalid config\n  ${formatIssues(result.error.issues).join("\n  ")}`,
      {
        hint: "fix the named keys; the reference is the README's “Config reference”",
        exitCode: EXIT.usage,
      },
    );
  }
  const config = result.data;
  const names = Object.keys(config.profiles);
  if (config.defaultProfile !== undefined && !names.includes(config.defaultProfile)) {
    throw new HarnessError(
      "E_CONFIG",
      `${source}: defaultProfile: "${config.defaultProfile}" is not one of profiles (${names.join(", ") || "none"})`,
      { hint: "name a key of profiles", exitCode: EXIT.usage },
    );
  }
  return config;
}

/** The profile `perfgate load` runs: --profile, else defaultProfile, else the first one. */
export function pickProfileName(config: PerfgateConfig, requested: string | undefined): string {
  const names = Object.keys(config.profiles);
  const name = requested ?? config.defaultProfile ?? names[0];
  if (name === undefined || !Object.hasOwn(config.profiles, name)) {
    throw new HarnessError(
      "E_USAGE",
      name === undefined
        ? "load: the config has no profiles"
        : `load: --profile "${name}" is not a profile of the config`,
      {
        hint: names.length
          ? `choose one of: ${names.join(", ")}`
          : "add one under profiles in perfgate.config.ts",
        exitCode: EXIT.usage,
      },
    );
  }
  return name;
}
