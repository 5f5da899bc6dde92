/**
 * The testbed: what a latency depends on besides the model. Two benchmarks are comparable only
 * when their `testbed_hash` matches; the hash covers the stable facts (hardware, OS, Node.js,
 * runtime, provider, threads, governor) and leaves out what changes from one minute to the next
 * (host name, free memory, load).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import os from "node:os";
import canonicalize from "canonicalize";
import type { JsonObject } from "../registry/records.js";
import { formatTarget, type Target } from "../runtime/targets.js";
import { dependencyVersion } from "../runtime/versions.js";

export interface TestbedFingerprint {
  cpu_model: string;
  /** Logical cores the OS reports. */
  cpu_cores: number;
  memory_total_mb: number;
  os: string;
  os_release: string;
  kernel_version: string;
  arch: string;
  node_version: string;
  runtime: string;
  runtime_version: string;
  provider: string;
  target: string;
  /** Intra-op threads, or "default" when the runtime chooses. */
  threads: number | "default";
  /** Linux's cpufreq governor of cpu0 ("performance", "powersave"), null when unreadable. */
  cpu_governor: string | null;
}

/** Facts recorded for people reading a result later; never part of the hash. */
export interface TestbedConditions {
  hostname: string;
  load_average_1m: number;
  memory_free_mb: number;
}

export interface Testbed {
  testbed_hash: string;
  fingerprint: TestbedFingerprint;
  conditions: TestbedConditions;
}

function readGovernor(): string | null {
  try {
    return readFileSync("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", "utf8").trim();
  } catch {
    return null;
  }
}

function threadsOf(target: Target): number | "default" {
  // onnxruntime-web's wasm backend runs one thread here (see runtime/session.ts).
  if (target.runtime === "onnxruntime-web") return 1;
  return target.settings.threads ?? "default";
}

/** The stable fingerprint of this host for a target. */
export function testbedFingerprint(target: Target): TestbedFingerprint {
  const cpus = os.cpus();
  return {
    cpu_model: cpus[0]?.model.trim() ?? "unknown",
    cpu_cores: cpus.length,
    memory_total_mb: Math.round(os.totalmem() / 2 ** 20),
    os: os.platform(),
    os_release: os.release(),
    kernel_version: os.version(),
    arch: os.arch(),
    node_version: process.version,
    runtime: target.runtime,
    runtime_version: dependencyVersion(target.runtime),
    provider: target.provider,
    target: formatTarget(target),
    threads: threadsOf(target),
    cpu_governor: readGovernor(),
  };
}

/** sha256 of the canonical JSON (RFC 8785) of a fingerprint. */
export function testbedHash(fingerprint: TestbedFingerprint): string {
  const canonical = canonicalize(fingerprint) ?? "";
  return createHash("sha256").update(canonical).digest("hex");
}

export function currentConditions(): TestbedConditions {
  return {
    hostname: os.hostname(),
    load_average_1m: Math.round(os.loadavg()[0] * 100) / 100,
    memory_free_mb: Math.round(os.freemem() / 2 ** 20),
  };
}

/** Fingerprint, hash and current conditions of this host for `target`. */
export function describeTestbed(target: Target): Testbed {
  const fingerprint = testbedFingerprint(target);
  return { testbed_hash: testbedHash(fingerprint), fingerprint, conditions: currentConditions() };
}

/** The form stored in the registry's `testbed_json`. */
export function testbedJson(testbed: Testbed): JsonObject {
  return {
    ...testbed.fingerprint,
    conditions: { ...testbed.conditions },
  } as unknown as JsonObject;
}
