// Seeded workload generators that scenarios, microbenchmarks and the harness share
// (`import { createRandom, zipfRanks } from "perfgate/workloads"`).
export { createRandom, shuffle, zipfRanks } from "./random.ts";
