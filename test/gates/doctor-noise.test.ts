/**
 * `doctor --noise` through the real CLI, with 3 paired processes to stay short: the JSON carries
 * the noise report (finite spreads, a supported threshold or an explicit "too noisy"), and too
 * few processes are refused. No figure is asserted: the machine is shared and noisy.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { NoiseReport } from "../../src/gates/noise.js";
import { parseJson, runCli, temporaryDirectory } from "../helpers/cli.js";

const directory = temporaryDirectory("mlbuild-noise-");
const registry = path.join(directory, ".mlbuild");
const cli = (...args: string[]) => runCli(["--registry", registry, ...args], { cwd: directory });

const supportedThresholds = [1, 2, 3, 5, 10, 20, 50];

interface DoctorDocument {
  healthy: boolean;
  checks: { name: string; status: string; detail: string }[];
  noise?: NoiseReport;
}

describe("doctor --noise", () => {
  it("reports finite spreads and the thresholds this machine supports", async () => {
    expect((await cli("init")).code).toBe(0);
    const result = await cli("doctor", "--noise", "--noise-processes", "3", "--json");
    const document = parseJson<DoctorDocument>(result);
    expect(result.code, result.stderr).toBe(document.healthy ? 0 : 4);
    const noise = document.noise;
    expect(noise?.processes).toBe(3);
    for (const value of [
      noise?.paired_spread_pct,
      noise?.unpaired_spread_pct,
      noise?.median_latency_ms,
      noise?.seconds_per_process,
    ]) {
      expect(Number.isFinite(value)).toBe(true);
      expect(value).toBeGreaterThanOrEqual(0);
    }
    expect(noise?.median_latency_ms).toBeGreaterThan(0);
    expect(noise?.budget_s).toBe(60);
    const threshold = noise?.supported_threshold_pct ?? null;
    if (threshold === null) expect(noise?.message).toContain("too noisy");
    else {
      expect(supportedThresholds).toContain(threshold);
      expect(noise?.message).toContain(`thresholds of ${threshold}% and up`);
    }
    const check = document.checks.find((entry) => entry.name === "noise");
    expect(check?.detail).toBe(noise?.message);
    expect(check?.status).toBe(threshold === null ? "warn" : "ok");
  });

  it("refuses fewer than 3 processes before measuring anything", async () => {
    const result = await cli("doctor", "--noise", "--noise-processes", "2");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("at least 3");
  });
});
