import path from "node:path";

/**
 * Every technique of the reference app sits behind one flag here, so a scenario can measure it
 * on vs off. Values come from the environment (PERFGATE_APP_*) with embedded defaults.
 */
export interface AppConfig {
  /** Loopback by default: the app is a system under test, not a public service. */
  host: string;
  /** 0 picks a free port at start; the chosen URL is announced on stdout. */
  port: number;
  /** The built web app served at `/` (PERFGATE_APP_WEB_DIST, default app/web/dist). */
  webDist: string;
  /** COOP/COEP on HTML so the page can use SharedArrayBuffer (PERFGATE_APP_COI=off disables). */
  crossOriginIsolation: boolean;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

function readPort(value: string | undefined): number {
  if (value === undefined || value === "") return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PERFGATE_APP_PORT: expected an integer 0-65535, got "${value}"`);
  }
  return port;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return {
    host: env.PERFGATE_APP_HOST || "127.0.0.1",
    port: readPort(env.PERFGATE_APP_PORT),
    webDist: path.resolve(
      env.PERFGATE_APP_WEB_DIST || path.join(import.meta.dirname, "../../web/dist"),
    ),
    crossOriginIsolation: env.PERFGATE_APP_COI !== "off",
  };
}
