import { DEFAULT_PRODUCTS } from "./catalogue.ts";

/** The app under test. The harness passes BASE_URL; a bare `k6 run` falls back to the default app port. */
export const BASE_URL: string = __ENV.BASE_URL || "http://127.0.0.1:3000";

/** Products in the app's seed; the harness passes the run's seed size as PRODUCTS. */
export const PRODUCTS: number = Number(__ENV.PRODUCTS || DEFAULT_PRODUCTS);
