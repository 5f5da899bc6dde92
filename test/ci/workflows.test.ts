/**
 * The example workflows in .github/workflows/examples/, their `run:` steps executed for real in
 * a temporary Git repository with an `origin` remote, the real CLI on PATH, and GitHub's parts
 * stood in for by environment variables (and a `gh` that records its arguments).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeMlp } from "../../src/onnx/fixtures.js";
import { saveModel } from "../../src/onnx/model.js";
import type { Report } from "../../src/report/types.js";
import { cliPath, repositoryRoot, temporaryDirectory } from "../helpers/cli.js";
import { type S3Server, s3Credentials, startS3rver } from "../remote/helpers.js";
import { runWorkflowJob, type StepResult, stubBin } from "./workflow-runner.js";

const examples = path.join(repositoryRoot, ".github", "workflows", "examples");
const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

async function writeModel(file: string, hidden: number[]): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const model = makeMlp({ inputSize: 32, hiddenSizes: hidden, outputSize: 4, seed: 3, batch: 1 });
  await saveModel(model, file);
}

/** An `origin` with the model on main, and a clone checked out on a PR branch that changes it. */
async function pullRequestCheckout(config: string): Promise<string> {
  const root = temporaryDirectory("mlbuild-examples-");
  const origin = path.join(root, "origin.git");
  const seed = path.join(root, "seed");
  git(root, "init", "-q", "--bare", "-b", "main", origin);
  git(root, "init", "-q", "-b", "main", seed);
  git(seed, "config", "user.email", "ci@example.com");
  git(seed, "config", "user.name", "ci");
  await writeModel(path.join(seed, "models", "model.onnx"), [32]);
  writeFileSync(path.join(seed, "mlbuild.config.yaml"), config);
  writeFileSync(path.join(seed, ".gitignore"), ".mlbuild/\n");
  git(seed, "add", "-A");
  git(seed, "commit", "-qm", "model");
  git(seed, "remote", "add", "origin", origin);
  git(seed, "push", "-q", "origin", "main");

  const work = path.join(root, "work");
  git(root, "clone", "-q", origin, work);
  git(work, "config", "user.email", "ci@example.com");
  git(work, "config", "user.name", "ci");
  git(work, "checkout", "-q", "-b", "pr");
  await writeModel(path.join(work, "models", "model.onnx"), [32, 32, 32]);
  git(work, "commit", "-qam", "a deeper model");
  return work;
}

function githubEnv(work: string, bin: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const eventFile = path.join(work, "..", "event.json");
  writeFileSync(eventFile, JSON.stringify({ pull_request: { number: 7 } }));
  return {
    ...process.env,
    PATH: `${bin}:${process.env.PATH}`,
    NO_COLOR: "1",
    MLBUILD_DIR: "",
    GITHUB_ACTIONS: "true",
    GITHUB_REPOSITORY: "acme/models",
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_STEP_SUMMARY: path.join(work, "..", "summary.md"),
    ...extra,
  };
}

function step(results: StepResult[], name: string): StepResult {
  const found = results.find((result) => result.name === name);
  if (!found) throw new Error(`no step '${name}'`);
  return found;
}

const gateConfig = `
models:
  - path: models/model.onnx
    name: mlp
limits:
  max-p95: 1000
  max-size: { value: 0.0001, severity: error }
compare: { metric: p50, threshold: 5 }
baseline: git:origin/main
benchmark: { runs: 60, warmup: 5 }
budget: 6s
outputs:
  json: mlbuild-report.json
  markdown: mlbuild-report.md
  html: mlbuild-report.html
  junit: mlbuild-junit.xml
`;

describe("pr-gate.yml", () => {
  it("builds the baseline from origin/main on the runner and fails on a broken limit", async () => {
    const work = await pullRequestCheckout(gateConfig);
    const env = githubEnv(work, stubBin(cliPath));
    const results = await runWorkflowJob(path.join(examples, "pr-gate.yml"), "gate", {
      cwd: work,
      env,
    });

    const gate = step(results, "Gate the model");
    expect(gate.code, gate.stderr).toBe(1);
    expect(gate.stdout).toMatch(/^::error title=mlbuild max-size::mlp \(cpu, fp32\): size/m);

    const report = JSON.parse(
      readFileSync(path.join(work, "mlbuild-report.json"), "utf8"),
    ) as Report;
    const [entry] = report.entries;
    expect(entry.baseline?.source).toBe("git:origin/main:models/model.onnx");
    expect(entry.candidate.source).toBe("models/model.onnx");
    expect(entry.baseline?.build_id).not.toBe(entry.candidate.build_id);
    expect(entry.comparison && "metrics" in entry.comparison).toBe(true);
    expect(entry.validation?.checks.map((check) => check.status)).toEqual(["pass", "fail"]);

    const summary = readFileSync(env.GITHUB_STEP_SUMMARY as string, "utf8");
    expect(summary).toContain("<!-- mlbuild-report -->");
    expect(summary).toContain("| mlp (cpu, fp32) | compare p50 |");
    expect(readFileSync(path.join(work, "mlbuild-junit.xml"), "utf8")).toContain("<failure");
    expect(existsSync(path.join(work, "mlbuild-report.html"))).toBe(true);
  });
});

const commentConfig = gateConfig
  .replace("max-size: { value: 0.0001, severity: error }", "max-size: 100")
  .replace("compare: { metric: p50, threshold: 5 }", "compare: { metric: size, threshold: 1000 }");

describe("sticky-comment.yml", () => {
  let work = "";
  const ghStub = `#!/usr/bin/env bash
echo "gh $*" >> "$STUB_LOG"
if [ -n "$GH_STUB_FAIL" ]; then echo "HTTP 403: Resource not accessible by integration" >&2; exit 1; fi
case "$*" in *"--method"*) ;; *) [ -n "$GH_STUB_EXISTING" ] && echo "$GH_STUB_EXISTING" ;; esac
exit 0
`;

  beforeAll(async () => {
    work = await pullRequestCheckout(commentConfig);
  });

  async function runJob(extra: NodeJS.ProcessEnv) {
    const log = path.join(work, "..", `gh-${Math.random().toString(16).slice(2)}.log`);
    writeFileSync(log, "");
    const env = githubEnv(work, stubBin(cliPath, { gh: ghStub }), { STUB_LOG: log, ...extra });
    const results = await runWorkflowJob(path.join(examples, "sticky-comment.yml"), "report", {
      cwd: work,
      env,
      expressions: { "github.token": "stub-token" },
    });
    const lines = readFileSync(log, "utf8").trim().split("\n");
    return { results, calls: lines.filter((line) => line.startsWith("gh ")) };
  }

  it("posts one comment when there is none, with the Markdown report as its body", async () => {
    const { results, calls } = await runJob({});
    const gate = step(results, "Gate the model");
    expect(gate.code, gate.stderr).toBe(0);
    expect(gate.outputs.code).toBe("0");
    expect(calls[0]).toBe(
      "gh api repos/acme/models/issues/7/comments --paginate --jq " +
        '.[] | select(.body | contains("<!-- mlbuild-report -->")) | .id',
    );
    expect(calls[1]).toBe(
      "gh api --method POST repos/acme/models/issues/7/comments -F body=@mlbuild-report.md",
    );
    expect(readFileSync(path.join(work, "mlbuild-report.md"), "utf8")).toMatch(
      /^<!-- mlbuild-report -->/,
    );
    expect(results.at(-1)?.code).toBe(0);
  });

  it("updates the existing comment in place instead of adding another", async () => {
    const { calls } = await runJob({ GH_STUB_EXISTING: "4242" });
    expect(calls).toHaveLength(2);
    expect(calls[1]).toBe(
      "gh api --method PATCH repos/acme/models/issues/comments/4242 -F body=@mlbuild-report.md",
    );
  });

  it("warns and carries on when a fork's read-only token cannot comment", async () => {
    const { results, calls } = await runJob({ GH_STUB_FAIL: "1" });
    const comment = step(results, "Post or update the comment");
    expect(comment.code).toBe(0);
    expect(comment.stdout).toContain("::warning::cannot read the PR's comments");
    expect(calls).toHaveLength(1);
    expect(results.at(-1)?.code).toBe(0);
  });
});

describe("nightly-trend.yml", () => {
  let s3: S3Server;
  beforeAll(async () => {
    s3 = await startS3rver(["trend-bucket"]);
  });
  afterAll(async () => {
    await s3.close();
  });

  it("pushes each night's build to S3 and a fresh runner sees the whole trend", async () => {
    const nights: StepResult[][] = [];
    for (const hidden of [[32], [32, 32]]) {
      // Every night is a fresh runner: a new checkout and an empty registry.
      const work = temporaryDirectory("mlbuild-nightly-");
      await writeModel(path.join(work, "models", "model.onnx"), hidden);
      const env = githubEnv(work, stubBin(cliPath), {
        ...s3Credentials,
        MLBUILD_BUCKET: "trend-bucket",
      });
      const results = await runWorkflowJob(path.join(examples, "nightly-trend.yml"), "trend", {
        cwd: work,
        env,
        expressions: {
          "secrets.MLBUILD_AWS_ACCESS_KEY_ID": s3Credentials.AWS_ACCESS_KEY_ID,
          "secrets.MLBUILD_AWS_SECRET_ACCESS_KEY": s3Credentials.AWS_SECRET_ACCESS_KEY,
          "vars.MLBUILD_S3_ENDPOINT": s3.endpoint,
          "vars.MLBUILD_BUCKET": "trend-bucket",
        },
      });
      for (const result of results)
        expect(result.code ?? 0, `${result.name}: ${result.stderr}`).toBe(0);
      nights.push(results);

      const history = JSON.parse(readFileSync(path.join(work, "nightly-history.json"), "utf8"));
      expect(history.points).toHaveLength(nights.length);
      expect(history.method).toContain("PELT");
      const html = readFileSync(path.join(work, "nightly-report.html"), "utf8");
      expect(html).toContain('data-chart="history"');
    }
    expect(
      step(nights[0], "Connect the shared remote and fetch the trend so far").stdout,
    ).toContain("no nightly tag on the remote yet");
  });
});
