/**
 * Products in the app's default seed (app/server/src/config.ts, PERFGATE_APP_SEED_PRODUCTS):
 * scenarios ask only for ids that exist. Pure, so the harness imports it too.
 */
export const DEFAULT_PRODUCTS = 20_000;
