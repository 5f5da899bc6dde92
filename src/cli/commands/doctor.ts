import type { Command } from "commander";
import type { Check } from "../../doctor/checks.js";
import { ExitCode } from "../../errors.js";
import type { NoiseReport } from "../../gates/noise.js";
import { action } from "../context.js";
import type { Output } from "../output.js";
import { positiveInteger } from "../parse.js";

function renderChecks(output: Output, checks: Check[]): string {
  const { colors } = output;
  const mark = { ok: colors.green("ok  "), warn: colors.yellow("warn"), fail: colors.red("FAIL") };
  return checks.map((check) => `${mark[check.status]}  ${check.name}: ${check.detail}`).join("\n");
}

export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description("check the environment: runtimes, registry health, targets")
    .option("--noise", "also measure how noisy this machine is and which thresholds it supports")
    .option(
      "--noise-processes <n>",
      "paired processes for --noise (at least 3)",
      positiveInteger,
      6,
    )
    .action(
      action(async (context, options: { noise?: boolean; noiseProcesses: number }) => {
        const doctor = await import("../../doctor/checks.js");
        const checks: Check[] = [doctor.checkNode(), ...(await doctor.checkRuntimes())];
        try {
          const workspace = await context.workspace();
          checks.push(...(await doctor.checkRegistry(workspace.registry, workspace.store)));
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          checks.push({
            name: "registry",
            status: "warn",
            detail: `${message} (run \`mlbuild init\`)`,
          });
        }
        checks.push(...doctor.checkTargets());
        let noise: NoiseReport | undefined;
        if (options.noise) {
          const { measureNoise } = await import("../../gates/noise.js");
          noise = await measureNoise({ processes: options.noiseProcesses });
          const status = noise.supported_threshold_pct === null ? "warn" : "ok";
          checks.push({ name: "noise", status, detail: noise.message });
        }

        const failed = checks.some((check) => check.status === "fail");
        context.output.result({ healthy: !failed, checks, ...(noise ? { noise } : {}) }, () =>
          renderChecks(context.output, checks),
        );
        return failed ? ExitCode.internal : ExitCode.ok;
      }),
    );
}
