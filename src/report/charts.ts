/**
 * The HTML report's charts: Vega-Lite specifications compiled and rendered to SVG here, on the
 * server side, so the report needs no script and no network to show them. Data is reduced
 * before it goes in (an ECDF of 10⁵ samples needs a few hundred points to look the same).
 */
import type { MetricHistory, OpTypeTime, ReportBenchmark, ReportPercentile } from "./types.js";

type Spec = Record<string, unknown>;

const width = 560;
const ecdfPoints = 400;
const sideColors = { range: ["#6b7280", "#2563eb"] };

export interface Side {
  /** `baseline` or `candidate`, with the build's name: the legend. */
  label: string;
  benchmark: ReportBenchmark;
}

/** Renders a Vega-Lite spec to an SVG string, without a canvas, a DOM or a network. */
export async function renderSvg(spec: Spec): Promise<string> {
  const vega = await import("vega");
  const { compile } = await import("vega-lite");
  const compiled = compile({
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    background: "white",
    config: { font: "sans-serif", view: { stroke: "#e5e7eb" } },
    ...spec,
  } as Parameters<typeof compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The empirical CDF at (at most) `ecdfPoints` evenly spaced ranks, always with both ends. */
export function ecdf(samples: readonly number[]): Array<{ ms: number; fraction: number }> {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return [];
  const step = Math.max(1, Math.floor(n / ecdfPoints));
  const points: Array<{ ms: number; fraction: number }> = [];
  for (let index = 0; index < n; index += step) {
    points.push({ ms: sorted[index], fraction: (index + 1) / n });
  }
  if (points.at(-1)?.fraction !== 1) points.push({ ms: sorted[n - 1], fraction: 1 });
  return points;
}

export function distributionSpec(sides: readonly Side[]): Spec {
  const values = sides.flatMap((side) =>
    ecdf(side.benchmark.samples_ms).map((point) => ({ ...point, side: side.label })),
  );
  return {
    title: "Latency distribution (ECDF of every stored sample)",
    width,
    height: 240,
    data: { values },
    mark: { type: "line", interpolate: "step-after" },
    encoding: {
      x: { field: "ms", type: "quantitative", title: "latency (ms)", scale: { type: "log" } },
      y: { field: "fraction", type: "quantitative", title: "fraction of runs ≤ x" },
      color: { field: "side", type: "nominal", title: null, scale: sideColors },
    },
  };
}

const shownPercentiles = new Set(["p50", "p90", "p95", "p99"]);

function percentileValues(side: Side): Array<Record<string, unknown>> {
  return side.benchmark.percentiles
    .filter((percentile: ReportPercentile) => shownPercentiles.has(percentile.percentile))
    .map((percentile) => ({
      side: side.label,
      percentile: percentile.percentile,
      ms: percentile.value_ms,
      low: percentile.ci_low_ms ?? percentile.value_ms,
      high: percentile.ci_high_ms ?? percentile.value_ms,
    }));
}

export function percentileSpec(sides: readonly Side[]): Spec {
  const encoding = {
    x: { field: "percentile", type: "nominal", title: null, sort: ["p50", "p90", "p95", "p99"] },
    xOffset: { field: "side", type: "nominal" },
    color: { field: "side", type: "nominal", title: null, scale: sideColors },
  };
  return {
    title: "Percentiles with their 95% intervals",
    width,
    height: 240,
    data: { values: sides.flatMap(percentileValues) },
    encoding,
    layer: [
      {
        mark: { type: "rule", strokeWidth: 2 },
        encoding: {
          y: { field: "low", type: "quantitative", title: "latency (ms)", scale: { type: "log" } },
          y2: { field: "high" },
        },
      },
      {
        mark: { type: "point", filled: true, size: 60 },
        encoding: { y: { field: "ms", type: "quantitative" } },
      },
    ],
  };
}

export function opTypeSpec(rows: ReadonlyArray<{ side: string; opTypes: OpTypeTime[] }>): Spec {
  const values = rows.flatMap((row) =>
    row.opTypes.slice(0, 15).map((opType) => ({ ...opType, side: row.side })),
  );
  return {
    title: "Time per op type (latest stored profile)",
    width,
    data: { values },
    mark: "bar",
    encoding: {
      y: { field: "op_type", type: "nominal", title: null, sort: "-x" },
      yOffset: { field: "side", type: "nominal" },
      x: { field: "mean_ms", type: "quantitative", title: "mean time per inference (ms)" },
      color: { field: "side", type: "nominal", title: null, scale: sideColors },
    },
  };
}

export function historySpec(history: MetricHistory): Spec {
  const values = history.points
    .filter((point) => point.value !== null)
    .map((point, index) => ({
      order: index + 1,
      build: point.build_id.slice(0, 8),
      value: point.value,
      change: point.change_point ? "change point" : "build",
    }));
  const subject = history.kind === "tag" ? `tag ${history.subject}` : history.subject;
  return {
    title: `${history.metric} across the builds of ${subject}`,
    width,
    height: 200,
    data: { values },
    encoding: {
      x: { field: "order", type: "ordinal", title: "build (oldest first)" },
      y: {
        field: "value",
        type: "quantitative",
        title: `${history.metric} (${history.unit})`,
        scale: { zero: false },
      },
    },
    layer: [
      { mark: { type: "line", color: "#2563eb" } },
      {
        mark: { type: "point", filled: true, size: 70 },
        encoding: {
          color: {
            field: "change",
            type: "nominal",
            title: null,
            scale: { domain: ["build", "change point"], range: ["#2563eb", "#dc2626"] },
          },
          tooltip: [{ field: "build" }, { field: "value" }],
        },
      },
    ],
  };
}
