/**
 * Public API of the statistics layer: pure functions over plain samples and paired blocks, the
 * floor every pure stage may use. Other layers import from here, never from the files.
 */
export { pairedBlockBootstrap } from "./bootstrap.ts";
export { type ChangePoint, detectChangePoints, median, seededRandom } from "./change-points.ts";
export { blocksNeeded, minimalDetectableChange } from "./mde.ts";
export { holm } from "./multiple-testing.ts";
export {
  coefficientOfVariation,
  mean,
  quantile,
  robustSd,
  spread,
  standardDeviation,
} from "./quantiles.ts";
export { type TheilSen, theilSen } from "./slope.ts";
export { trimmedTTest } from "./t-test.ts";
