import { describe, expect, it } from "vitest";
import { DEFAULT_PRODUCTS } from "../../../scenarios/_lib/catalogue.ts";
import { DEFAULT_SEED_PRODUCTS, loadConfig } from "./config.ts";

describe("loadConfig seed size", () => {
  it("defaults to the catalogue size the scenarios assume, and takes PERFGATE_APP_SEED_PRODUCTS", () => {
    expect(DEFAULT_SEED_PRODUCTS).toBe(DEFAULT_PRODUCTS);
    expect(loadConfig({}).seedProducts).toBe(DEFAULT_SEED_PRODUCTS);
    expect(loadConfig({ PERFGATE_APP_SEED_PRODUCTS: "100000" }).seedProducts).toBe(100_000);
  });
});
