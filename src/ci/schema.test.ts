import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseConfig } from "./config.js";
import { configJsonSchema } from "./schema.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

describe("the CI config schema", () => {
  it("ships a JSON Schema in sync with the zod schema (run `npm run config-schema`)", () => {
    const shipped = JSON.parse(
      readFileSync(path.join(root, "schema", "mlbuild.config.schema.json"), "utf8"),
    );
    expect(shipped).toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
  });

  it("fills defaults and keeps a limit's severity", () => {
    const { config } = parseConfig(
      {
        models: [{ path: "git:origin/main:model.onnx" }],
        limits: { "max-p95": 10, "max-memory": { value: 200, severity: "warn" } },
      },
      "mlbuild.config.yaml",
    );
    expect(config.models[0].targets).toEqual(["cpu"]);
    expect(config.models[0].quantize).toEqual(["fp32"]);
    expect(config.compare).toEqual({
      metric: "p50",
      threshold: 5,
      use_cached: false,
      baseline_missing: "fail",
    });
    expect(config.limits?.["max-memory"]).toEqual({ value: 200, severity: "warn" });
  });

  it("names every problem by its path", () => {
    expect(() =>
      parseConfig(
        { models: [{ path: "git:x:m.onnx", quantize: ["int4"] }], compare: { threshold: -1 } },
        "c.yaml",
      ),
    ).toThrow(/c\.yaml: models\[0\]\.quantize\[0\]: .*; compare\.threshold: /);
  });
});
