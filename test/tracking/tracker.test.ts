import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Registry } from "../../src/registry/registry.js";
import { describeRun } from "../../src/tracking/details.js";
import { Tracker } from "../../src/tracking/tracker.js";
import { backends, buildRecord, openRegistry } from "../registry/backends.js";

async function rejectionCode(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code;
  }
  throw new Error("expected a rejection");
}

// The same tracking code runs on every backend; these tests hold it to the same rules on each.
describe.each(backends)("tracking on $name", (backend) => {
  let registry: Registry;
  let dispose: () => Promise<void>;
  let tracker: Tracker;

  beforeEach(async () => {
    const opened = await openRegistry(backend);
    registry = opened.registry;
    dispose = opened.dispose;
    tracker = new Tracker(registry);
  });

  afterEach(async () => {
    await dispose();
  });

  async function insertBuild(buildId: string) {
    const build = buildRecord(buildId, { name: "tiny" });
    await registry.builds.insert(build);
    return build;
  }

  describe("experiments", () => {
    it("creates an experiment once; a second create of the same name is refused", async () => {
      const created = await tracker.createExperiment("ocr classifier");
      expect(created.experimentId).toMatch(/^[0-9a-f]{32}$/);
      expect(await rejectionCode(tracker.createExperiment("ocr classifier"))).toBe(
        "EXPERIMENT_EXISTS",
      );
      expect(await tracker.listExperiments()).toHaveLength(1);
    });

    it("refuses empty, blank, overlong and control-character names", async () => {
      for (const name of ["", "   ", "x".repeat(257), "tab\there"]) {
        expect(await rejectionCode(tracker.createExperiment(name))).toBe("EXPERIMENT_NAME_INVALID");
      }
      expect(await tracker.listExperiments()).toHaveLength(0);
    });

    it(
      "starting a run creates its experiment when missing, " + "and counts runs per experiment",
      async () => {
        const first = await tracker.startRun({ experiment: "sweep", name: "a" });
        const second = await tracker.startRun({ experiment: "sweep" });
        expect(first.experimentCreated).toBe(true);
        expect(second.experimentCreated).toBe(false);
        expect(second.run.experimentId).toBe(first.run.experimentId);
        const [summary] = await tracker.listExperiments();
        expect(summary).toMatchObject({ name: "sweep", runCount: 2 });
      },
    );
  });

  describe("params", () => {
    it("are immutable: the same value again is fine, a different one is refused", async () => {
      const { run } = await tracker.startRun({ experiment: "e" });
      expect(await tracker.logParam(run.runId, "lr", "0.01")).toEqual({ inserted: true });
      expect(await tracker.logParam(run.runId, "lr", "0.01")).toEqual({ inserted: false });
      expect(await rejectionCode(tracker.logParam(run.runId, "lr", "0.02"))).toBe(
        "PARAM_IMMUTABLE",
      );
      expect(await registry.runs.params(run.runId)).toEqual([{ key: "lr", value: "0.01" }]);
    });

    it("refuse bad keys and overlong values", async () => {
      const { run } = await tracker.startRun({ experiment: "e" });
      for (const key of ["", "k".repeat(251), "semi;colon", "new\nline"]) {
        expect(await rejectionCode(tracker.logParam(run.runId, key, "v"))).toBe(
          "PARAM_KEY_INVALID",
        );
      }
      expect(await rejectionCode(tracker.logParam(run.runId, "k", "v".repeat(6001)))).toBe(
        "PARAM_VALUE_TOO_LONG",
      );
      expect(await registry.runs.params(run.runId)).toEqual([]);
    });
  });

  describe("metrics", () => {
    it("keep every value with its step and time, NaN and infinities included", async () => {
      const { run } = await tracker.startRun({ experiment: "e" });
      const values = [
        0.9,
        0.5,
        0.5,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
      ];
      for (const [step, value] of values.entries()) {
        await tracker.logMetric(run.runId, "loss", value, { step });
      }
      await tracker.logMetric(run.runId, "loss", 0.1, { step: 0, timestamp: Date.UTC(2024, 0, 1) });

      const stored = await registry.runs.metrics(run.runId);
      expect(stored.map((metric) => metric.step)).toEqual([0, 0, 1, 2, 3, 4, 5]);
      expect(stored.slice(2).map((metric) => metric.value)).toEqual(values.slice(1));
      expect(stored[0]).toMatchObject({ value: 0.1, loggedAt: "2024-01-01T00:00:00.000Z" });

      const details = await describeRun(registry, run);
      expect(details.metrics.loss.slice(4).map((point) => point.value)).toEqual([
        "NaN",
        "Infinity",
        "-Infinity",
      ]);
    });

    it("refuse values that are not numbers and steps that are not whole", async () => {
      const { run } = await tracker.startRun({ experiment: "e" });
      const notNumbers: unknown[] = ["0.5", null, undefined, 1n, {}];
      for (const value of notNumbers) {
        const attempt = tracker.logMetric(run.runId, "loss", value as number);
        expect(await rejectionCode(attempt)).toBe("METRIC_VALUE_INVALID");
      }
      expect(await rejectionCode(tracker.logMetric(run.runId, "loss", 1, { step: 1.5 }))).toBe(
        "METRIC_STEP_INVALID",
      );
      expect(await rejectionCode(tracker.logMetric(run.runId, "", 1))).toBe("METRIC_KEY_INVALID");
      expect(await registry.runs.metrics(run.runId)).toEqual([]);
    });
  });

  describe("run lifecycle", () => {
    it("ends once; a second end and later logging name the ended run", async () => {
      const { run } = await tracker.startRun({ experiment: "e", name: "first" });
      const ended = await tracker.endRun(run.runId, "failed");
      expect(ended).toMatchObject({ status: "failed" });
      expect(ended.endedAt).not.toBeNull();

      expect(await rejectionCode(tracker.endRun(run.runId))).toBe("RUN_ALREADY_ENDED");
      expect(await rejectionCode(tracker.logMetric(run.runId, "loss", 1))).toBe("RUN_ENDED");
      expect(await rejectionCode(tracker.logParam(run.runId, "lr", "1"))).toBe("RUN_ENDED");
      expect((await registry.runs.get(run.runId))?.status).toBe("failed");
    });

    it("resolves full IDs and unique prefixes; unknown and ambiguous ones are errors", async () => {
      const experiment = (await tracker.startRun({ experiment: "e" })).run.experimentId;
      for (const runId of [
        "abcd0000000000000000000000000001",
        "abcd0000000000000000000000000002",
      ]) {
        await registry.runs.insert({
          runId,
          experimentId: experiment,
          name: null,
          status: "running",
          startedAt: new Date().toISOString(),
          endedAt: null,
        });
      }
      expect((await tracker.resolveRun("ABCD0000000000000000000000000002")).runId).toBe(
        "abcd0000000000000000000000000002",
      );
      expect(await rejectionCode(tracker.resolveRun("abcd"))).toBe("RUN_AMBIGUOUS");
      expect(await rejectionCode(tracker.resolveRun("ffff"))).toBe("RUN_UNKNOWN");
      expect(await rejectionCode(tracker.resolveRun("ab"))).toBe("RUN_UNKNOWN");
      expect(await rejectionCode(tracker.resolveRun("not-hex%"))).toBe("RUN_UNKNOWN");
      expect(await rejectionCode(tracker.logMetric("0".repeat(32), "loss", 1))).toBe("RUN_UNKNOWN");
    });

    it("lists runs newest first, filtered by experiment", async () => {
      await tracker.startRun({ experiment: "a" });
      await tracker.startRun({ experiment: "b" });
      expect(await tracker.listRuns()).toHaveLength(2);
      const onlyB = await tracker.listRuns({ experiment: "b" });
      expect(onlyB.map((run) => run.experimentName)).toEqual(["b"]);
      expect(await rejectionCode(tracker.listRuns({ experiment: "c" }))).toBe("EXPERIMENT_UNKNOWN");
    });
  });

  describe("builds", () => {
    it("link both ways, once, and also to runs that have ended", async () => {
      const build = await insertBuild("ab".repeat(32));
      const { run } = await tracker.startRun({ experiment: "e" });
      await tracker.endRun(run.runId);

      expect((await tracker.attachBuild(run.runId, "abab")).attached).toBe(true);
      expect((await tracker.attachBuild(run.runId, build.buildId)).attached).toBe(false);

      expect((await describeRun(registry, run)).builds).toMatchObject([
        { build_id: build.buildId, name: "tiny", target: "cpu" },
      ]);
      const attached = await registry.runs.forBuild(build.buildId);
      expect(attached.map((entry) => entry.runId)).toEqual([run.runId]);
    });

    it("refuses unknown builds and unknown runs", async () => {
      const { run } = await tracker.startRun({ experiment: "e" });
      expect(await rejectionCode(tracker.attachBuild(run.runId, "cdcd"))).toBe("REF_UNKNOWN");
      await insertBuild("cd".repeat(32));
      expect(await rejectionCode(tracker.attachBuild("1".repeat(32), "cdcd"))).toBe("RUN_UNKNOWN");
      expect(await registry.runs.builds(run.runId)).toEqual([]);
    });
  });
});
