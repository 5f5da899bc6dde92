import { describe, expect, it } from "vitest";
import { minimumRunsFor } from "./benchmark.js";
import { percentileEstimate, summarizeLatency, summarizeOutliers } from "./summary.js";
import { benchmarkWarnings } from "./warnings.js";

const steady = Array.from({ length: 200 }, (_, index) => 1 + (index % 10) / 100);

describe("benchmark statistics", () => {
  it("takes percentiles over every sample, outliers included", () => {
    const withSpike = [...steady.slice(0, 199), 50];
    const latency = summarizeLatency(withSpike);
    expect(latency.max_ms).toBe(50);
    expect(latency.percentiles.p99_9.value_ms).toBeGreaterThan(10);
    expect(summarizeOutliers(withSpike)).toMatchObject({ extreme: 1, extreme_indices: [199] });
  });

  it("gives an interval only when n allows one, and says when a percentile may gate", () => {
    const p99 = percentileEstimate(steady, 99);
    expect(p99).toMatchObject({ minimum_samples_to_gate: 459, enough_to_gate: false });
    expect(p99.ci_low_ms).not.toBeNull();
    expect(percentileEstimate(steady.slice(0, 20), 99).ci_high_ms).toBeNull();
    expect(percentileEstimate(steady, 50).enough_to_gate).toBe(true);
  });

  it("raises the run count to what the gated percentiles need (MLPerf LoadGen's rule)", () => {
    expect(minimumRunsFor([50])).toBe(7);
    expect(minimumRunsFor([50, 95])).toBe(90);
    expect(minimumRunsFor([99])).toBe(459);
  });

  function warningsFor(samples: number[], drifted: boolean): string {
    const latency = summarizeLatency(samples);
    return benchmarkWarnings({
      samples,
      latency,
      outliers: summarizeOutliers(samples),
      drift: {
        first_half_median_ms: 1,
        second_half_median_ms: 1.3,
        relative_change: 0.3,
        p_value: 1e-9,
        drifted,
        method: "",
      },
      warmupCount: 0,
      percentilesShown: [50, 95, 99],
    }).join("\n");
  }

  it("warns about too few samples, high variation and drift", () => {
    const drifting = [
      ...Array.from({ length: 100 }, (_, index) => 1 + (index % 7) / 100),
      ...Array.from({ length: 100 }, (_, index) => 1.6 + (index % 7) / 100),
    ];
    const text = warningsFor(drifting, true);
    expect(text).toMatch(/p99 from 200 samples: not enough to gate on \(needs 459/);
    expect(text).not.toMatch(/p95 from/);
    expect(text).toMatch(/High variation: CV/);
    expect(text).toMatch(/drifted between the first and second half of the run \(\+30\.0%/);
    expect(text).not.toMatch(/measured runs were slower/);
  });

  it("suggests more warm-up when the first runs are slower, and stays quiet on a calm run", () => {
    const slowStart = [...Array.from({ length: 10 }, () => 5), ...steady.slice(0, 190)];
    expect(warningsFor(slowStart, false)).toMatch(
      /The first 10 measured runs were slower.*--warmup to at least 10/,
    );
    expect(warningsFor(steady, false)).toBe(
      "p99 from 200 samples: not enough to gate on (needs 459; raise --runs or --duration).",
    );
  });
});
