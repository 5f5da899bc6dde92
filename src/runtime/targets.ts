import os from "node:os";
import { UsageError } from "../errors.js";

/**
 * A target is where a model will run: a runtime, its execution provider and its settings.
 * `cpu:threads=1,optimization=all` parses to `{ name: "cpu", settings: { threads: 1, ... } }`.
 */
export type RuntimeName = "onnxruntime-node" | "onnxruntime-web";
export type ProviderName = "cpu" | "wasm" | "cuda" | "coreml";
export type OptimizationLevel = "disabled" | "basic" | "extended" | "all";

export interface TargetSettings {
  /** Intra-op threads; unset means the runtime's default. */
  threads?: number;
  /** The session's graph optimisation level when the model runs. */
  optimization?: OptimizationLevel;
}

export interface Target {
  /** The canonical name: `cpu`, `wasm`, `cuda` or `coreml`. */
  name: ProviderName;
  /** For CoreML aliases, the Apple chip the build is meant for (`apple_m1`). */
  device?: string;
  runtime: RuntimeName;
  provider: ProviderName;
  settings: TargetSettings;
}

interface TargetKind {
  runtime: RuntimeName;
  provider: ProviderName;
  /** What a host needs to run it, for the error when it cannot. */
  needs: string;
}

const kinds: Record<ProviderName, TargetKind> = {
  cpu: { runtime: "onnxruntime-node", provider: "cpu", needs: "any host" },
  wasm: { runtime: "onnxruntime-web", provider: "wasm", needs: "any host" },
  cuda: {
    runtime: "onnxruntime-node",
    provider: "cuda",
    needs: "a Linux or Windows host with an NVIDIA GPU and CUDA 12",
  },
  coreml: {
    runtime: "onnxruntime-node",
    provider: "coreml",
    needs: "a macOS host on Apple silicon",
  },
};

const appleChips = [
  ...["m1", "m2", "m3", "m4"].map((chip) => `apple_${chip}`),
  ...["a15", "a16", "a17", "a18"].map((chip) => `apple_${chip}`),
];

export const knownTargetNames = [...Object.keys(kinds), ...appleChips];

const optimizationLevels: OptimizationLevel[] = ["disabled", "basic", "extended", "all"];

function parseSettings(text: string | undefined, spec: string): TargetSettings {
  const settings: TargetSettings = {};
  if (!text) return settings;
  for (const pair of text.split(",")) {
    const [key, value] = pair.split("=").map((part) => part.trim());
    if (key === "threads" && /^[1-9][0-9]*$/.test(value ?? "")) {
      settings.threads = Number(value);
    } else if (key === "optimization" && optimizationLevels.includes(value as OptimizationLevel)) {
      settings.optimization = value as OptimizationLevel;
    } else {
      throw new UsageError("TARGET_SETTING_INVALID", `Bad target setting '${pair}' in '${spec}'`, {
        hint: `Settings are threads=N (N ≥ 1) and optimization=${optimizationLevels.join("|")}.`,
      });
    }
  }
  return settings;
}

export function parseTarget(spec: string): Target {
  const [rawName, settingsText] = spec.split(/:(.*)/s, 2);
  const name = rawName.trim().toLowerCase();
  const settings = parseSettings(settingsText, spec);

  if (appleChips.includes(name)) {
    return { name: "coreml", device: name, ...kinds.coreml, settings };
  }
  const kind = kinds[name as ProviderName];
  if (!kind) {
    throw new UsageError("TARGET_UNKNOWN", `Unknown target '${rawName}'`, {
      hint: `Known targets: ${knownTargetNames.join(", ")}.`,
    });
  }
  return { name: name as ProviderName, ...kind, settings };
}

/** The stable text form recorded with a build. */
export function formatTarget(target: Target): string {
  const base = target.device ?? target.name;
  const settings = Object.entries(target.settings)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`);
  return settings.length > 0 ? `${base}:${settings.join(",")}` : base;
}

export interface HostSupport {
  supported: boolean;
  /** When unsupported: what host it needs. */
  reason?: string;
}

export function hostSupport(target: Target): HostSupport {
  if (target.provider === "cpu" || target.provider === "wasm") return { supported: true };
  if (target.provider === "coreml") {
    const ok = os.platform() === "darwin" && os.arch() === "arm64";
    return ok ? { supported: true } : { supported: false, reason: kinds.coreml.needs };
  }
  // TODO(cuda): detect a GPU via the runtime's provider list once a CUDA host is available to
  // test on; until then no host is assumed to have one.
  return { supported: false, reason: kinds.cuda.needs };
}

export function assertHostCanRun(target: Target): void {
  const support = hostSupport(target);
  if (!support.supported) {
    throw new UsageError(
      "TARGET_UNAVAILABLE",
      `Target '${formatTarget(target)}' cannot run on this host: it needs ${support.reason}`,
      { hint: "Run this step on such a host, or use --target cpu here." },
    );
  }
}
