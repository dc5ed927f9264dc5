/**
 * Public API of the statistics layer: pure functions over plain samples, paired blocks and HDR
 * histograms. Verdicts and reports import from here, never from the individual files.
 */
export {
  type BootstrapInterval,
  type BootstrapOptions,
  type PairedBlock,
  pairedBlockBootstrap,
} from "./bootstrap.ts";
export {
  type ChangePoint,
  type ChangePointOptions,
  detectChangePoints,
  median,
  seededRandom,
} from "./change-points.ts";
export { hdrQuantiles, mergeHdr } from "./hdr-quantiles.ts";
export { blocksNeeded, minimalDetectableChange, type PowerOptions } from "./mde.ts";
export { benjaminiHochberg, holm } from "./multiple-testing.ts";
export { normalCdf, normalQuantile } from "./normal.ts";
export {
  coefficientOfVariation,
  MAD_TO_SD,
  mad,
  mean,
  quantile,
  robustSd,
  standardDeviation,
} from "./quantiles.ts";
export {
  type MannWhitneyResult,
  mannWhitney,
  type SignFlipOptions,
  signFlipTest,
} from "./rank-tests.ts";
export { hodgesLehmannShift, ratioOfMedians } from "./shift.ts";
export { type TheilSen, type TheilSenOptions, theilSen } from "./slope.ts";
export { incompleteBeta, oneSampleTTest, studentTwoSidedP, trimmedTTest } from "./t-test.ts";
