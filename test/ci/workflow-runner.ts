/**
 * Runs the `run:` steps of one job of a GitHub Actions workflow with bash, in order, the way the
 * runner does (`bash --noprofile --norc -eo pipefail`). GitHub's own parts are stood in for by
 * environment variables only: GITHUB_OUTPUT, GITHUB_ENV and GITHUB_STEP_SUMMARY are temporary
 * files, `${{ ... }}` in `env:` values come from a map the test gives (or from earlier steps'
 * outputs), and `uses:` steps (checkout, setup-node, upload-artifact) are skipped: the test
 * prepares the checkout itself. Scripts must not contain `${{ }}` (they take values through
 * env, which is also what keeps them safe from injection).
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { temporaryDirectory } from "../helpers/cli.js";

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
}

export interface StepResult {
  name: string;
  /** null when the step was skipped (a `uses:` step, or one after a failure). */
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

export interface JobOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Values of `${{ ... }}` expressions used in `env:`, e.g. `github.token`. */
  expressions?: Record<string, string>;
}

function readKeyValues(file: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const at = line.indexOf("=");
    if (at > 0) values[line.slice(0, at)] = line.slice(at + 1);
  }
  return values;
}

function resolveValue(
  value: string,
  expressions: Record<string, string>,
  results: Map<string, StepResult>,
): string {
  return String(value).replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expression: string) => {
    const output = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expression);
    if (output) return results.get(output[1])?.outputs[output[2]] ?? "";
    if (!(expression in expressions)) throw new Error(`no stub for \${{ ${expression} }}`);
    return expressions[expression];
  });
}

function runBash(script: string, cwd: string, env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
      cwd,
      env,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

export async function runWorkflowJob(
  workflowFile: string,
  jobName: string,
  options: JobOptions,
): Promise<StepResult[]> {
  const workflow = parseYaml(readFileSync(workflowFile, "utf8")) as {
    jobs: Record<string, { env?: Record<string, string>; steps: Step[] }>;
  };
  const job = workflow.jobs[jobName];
  const expressions = options.expressions ?? {};
  const scratch = temporaryDirectory("mlbuild-workflow-");
  const byId = new Map<string, StepResult>();
  const results: StepResult[] = [];
  const exported: Record<string, string> = {};
  let failed = false;

  for (const [index, step] of job.steps.entries()) {
    const name = step.name ?? step.uses ?? `step ${index}`;
    const always = step.if !== undefined && /always\(\)/.test(step.if);
    if (step.if !== undefined && !always) throw new Error(`unsupported if: ${step.if}`);
    if (!step.run || (failed && !always)) {
      results.push({ name, code: null, stdout: "", stderr: "", outputs: {} });
      continue;
    }
    if (step.run.includes("${{")) throw new Error(`step '${name}' expands \${{ }} in its script`);

    const outputFile = path.join(scratch, `output-${index}`);
    const envFile = path.join(scratch, `env-${index}`);
    writeFileSync(outputFile, "");
    writeFileSync(envFile, "");
    const env: NodeJS.ProcessEnv = { ...options.env, ...exported };
    for (const [key, value] of Object.entries({ ...job.env, ...step.env })) {
      env[key] = resolveValue(value, expressions, byId);
    }
    env.GITHUB_OUTPUT = outputFile;
    env.GITHUB_ENV = envFile;

    const ran = await runBash(step.run, options.cwd, env);
    const result = { name, ...ran, outputs: readKeyValues(outputFile) };
    Object.assign(exported, readKeyValues(envFile));
    results.push(result);
    if (step.id) byId.set(step.id, result);
    if (ran.code !== 0) failed = true;
  }
  return results;
}

/** A folder of stand-ins put first on PATH: `mlbuild` runs this checkout's CLI. */
export function stubBin(cliPath: string, extra: Record<string, string> = {}): string {
  const directory = temporaryDirectory("mlbuild-bin-");
  const scripts: Record<string, string> = {
    mlbuild: `#!/usr/bin/env bash\nexec "${process.execPath}" "${cliPath}" "$@"\n`,
    // Installing mlbuild is the runner's business; here the checkout's CLI is already on PATH.
    npm: `#!/usr/bin/env bash\necho "npm $*" >> "\${STUB_LOG:-/dev/null}"\n`,
    ...extra,
  };
  for (const [name, script] of Object.entries(scripts)) {
    writeFileSync(path.join(directory, name), script, { mode: 0o755 });
  }
  return directory;
}
