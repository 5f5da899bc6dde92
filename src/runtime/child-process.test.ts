import { describe, expect, it } from "vitest";
import { spawnWorker, workerCommand } from "./child-process.js";

describe("spawnWorker", () => {
  it("runs the TypeScript worker through tsx when the sources run as .ts", () => {
    const command = workerCommand("benchmark-child", ["--expose-gc"]);
    expect(command[0]).toBe("--import");
    expect(command[1]).toMatch(/^file:.*tsx/);
    expect(command.slice(2)).toEqual([
      "--expose-gc",
      expect.stringMatching(/benchmark-child\.ts$/),
    ]);
  });

  it(
    "turns a child that dies without answering into a RuntimeFailure " + "with its stderr tail",
    async () => {
      // A 1 MB V8 heap cannot even load the worker: Node aborts, a real crash.
      const failure = spawnWorker("benchmark-child", {}, { nodeFlags: ["--max-old-space-size=1"] });
      await expect(failure).rejects.toMatchObject({ code: "WORKER_CRASHED", exitCode: 4 });
      await expect(failure).rejects.toThrow(
        /benchmark-child (was killed by SIG|exited with code).*OOM/,
      );
    },
  );

  it("passes on an error the worker itself reports", async () => {
    const failure = spawnWorker("benchmark-child", { modelPath: "/nonexistent.onnx" });
    await expect(failure).rejects.toMatchObject({ code: "WORKER_FAILED", exitCode: 4 });
  });
});
