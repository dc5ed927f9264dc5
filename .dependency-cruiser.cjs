// The import rules of ARCHITECTURE.md, checked by `npm run lint` and CI. Paths are relative to
// the repository root. Layers, bottom up: schema and stats are the floor every pure stage may
// use; adapters, verdicts, report and render are pure; runners and history do the I/O;
// pipeline wires stages; cli parses arguments. The engine and the app stand alone.
const harness = (folder) => `^harness/src/${folder}/`;
const pure = ["adapters", "stats", "verdicts", "report", "render", "schema"];
const layer = (name, may) => ({
  name: `${name}-imports`,
  comment: `harness/src/${name} may import only ${may.join(", ") || "itself"}`,
  severity: "error",
  from: { path: harness(name), pathNot: "\\.test\\.ts$" },
  to: {
    path: "^harness/src/",
    pathNot: [harness(name), ...may.map(harness)],
    // A type names the shape of data a layer receives; it carries no code across the layers.
    dependencyTypesNot: ["type-only"],
  },
});

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    {
      name: "engine-stands-alone",
      comment: "the engine is its own package: it imports nothing of the harness or the app",
      severity: "error",
      from: { path: "^engine/" },
      to: { path: "^(harness|app|scenarios|microbench)/" },
    },
    {
      name: "app-stands-alone",
      comment:
        "the app under test never imports the tool that measures it (its tests may check it agrees with the scenarios)",
      severity: "error",
      from: { path: "^app/", pathNot: "\\.test\\.ts$" },
      to: { path: "^(harness|engine|scenarios|microbench)/" },
    },
    {
      name: "harness-never-imports-inputs",
      comment:
        "scenarios, microbenchmarks and the app are inputs the harness runs, never imports (its tests may use the reference app as a fixture)",
      severity: "error",
      from: { path: "^harness/", pathNot: "\\.test\\.ts$" },
      to: { path: "^(app|scenarios|microbench)/" },
    },
    {
      name: "inputs-use-only-workloads",
      comment:
        "scenarios and microbenchmarks import their own app's code and the shared workloads (perfgate/workloads), nothing else of perfgate",
      severity: "error",
      from: { path: "^(scenarios|microbench)/" },
      to: { path: "^(harness|engine)/", pathNot: "^harness/src/workloads/" },
    },
    {
      name: "src-never-imports-tests",
      comment: "test doubles and fixtures live under test/ and never ship",
      severity: "error",
      from: { path: "^(harness|engine)/src/", pathNot: "\\.test\\.ts$" },
      to: { path: "^(harness|engine)/test/" },
    },
    {
      name: "pure-stages-do-no-io",
      comment: "adapters, stats, verdicts, report, render and schema are pure: pass data in",
      severity: "error",
      from: { path: `^harness/src/(${pure.join("|")})/`, pathNot: "\\.test\\.ts$" },
      to: {
        dependencyTypes: ["core"],
        path: "^(fs|fs/promises|child_process|net|http|https|os|worker_threads|process|dgram|cluster)$",
      },
    },
    layer("schema", []),
    layer("stats", ["schema", "workloads"]),
    layer("workloads", []),
    layer("adapters", ["schema", "stats"]),
    layer("verdicts", ["schema", "stats", "adapters"]),
    layer("report", ["schema", "stats", "adapters", "verdicts"]),
    layer("render", ["schema", "stats", "verdicts", "report"]),
    layer("history", ["schema", "stats"]),
    layer("runners", ["schema", "adapters", "workloads"]),
    layer("github", ["schema", "report", "render", "history"]),
    layer("pipeline", [
      "schema",
      "stats",
      "adapters",
      "verdicts",
      "report",
      "render",
      "history",
      "runners",
      "workloads",
    ]),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: {
      path: "(^|/)(node_modules|dist|\\.perf|reports)/|^engine/test/conformance/examples/|/fixtures/",
    },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    combinedDependencies: true,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".mjs", ".js", ".json"],
    },
  },
};
