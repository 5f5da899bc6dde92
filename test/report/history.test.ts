/**
 * `metricHistory` on a registry built by code: the builds a tag pointed at, in the order it
 * moved, with the level change found by PELT; builds without a benchmark are shown, not used.
 */
import { describe, expect, it } from "vitest";
import { metricHistory } from "../../src/report/history.js";
import { freshWorkspace, seedBuild, tagBuild } from "../remote/helpers.js";

describe("metricHistory", () => {
  it("follows a tag's moves and flags where p95 stepped up", async () => {
    const workspace = await freshWorkspace();
    const levels = [2.0, 2.02, 1.98, 2.01, 1.99, 2.0, 3.0, 3.03, 2.97, 3.01, 2.99, 3.0];
    const ids: string[] = [];
    for (const [index, level] of levels.entries()) {
      const build = await seedBuild(workspace, `night-${"x".repeat(index)}`);
      ids.push(build.buildId);
      await workspace.registry.transaction((tx) =>
        workspace.registry.benchmarks.insert(
          {
            benchmarkId: `b${index}`,
            buildId: build.buildId,
            createdAt: build.createdAt,
            kind: "benchmark",
            testbedHash: "testbed",
            testbed: {},
            config: {},
            summary: { headline: { p50_ms: 1, p95_ms: level, p99_ms: 4, mean_ms: 1 } },
            samples: Float64Array.of(level),
            warmupSamples: Float64Array.of(),
          },
          tx,
        ),
      );
      await tagBuild(workspace, "nightly", build.buildId);
    }
    const unmeasured = await seedBuild(workspace, "unmeasured");
    await tagBuild(workspace, "nightly", unmeasured.buildId);

    const history = await metricHistory(workspace.registry, "nightly", "p95");
    expect(history.kind).toBe("tag");
    expect(history.points.map((point) => point.build_id)).toEqual([...ids, unmeasured.buildId]);
    expect(history.points.at(-1)?.value).toBeNull();
    expect(history.change_points).toEqual([ids[6]]);
    expect(history.method).toMatch(/^PELT \(Killick, Fearnhead & Eckley 2012\)/);
    await workspace.close();
  });

  it("finds no change point in a flat series", async () => {
    const workspace = await freshWorkspace();
    for (let index = 0; index < 8; index++) {
      const build = await seedBuild(workspace, `flat-${"y".repeat(index)}`);
      await tagBuild(workspace, "flat", build.buildId);
    }
    const history = await metricHistory(workspace.registry, "flat", "size");
    expect(history.points).toHaveLength(8);
    expect(history.change_points).toEqual([]);
    await workspace.close();
  });
});
