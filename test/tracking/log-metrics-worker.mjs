// One of the two processes in the concurrency test: it imports mlbuild by its package name, as a
// training script would, waits until its sibling is ready too, then logs COUNT values of `loss`
// to the run MLBUILD_RUN_ID names. Each value encodes (worker, step) so the test can tell which
// ones arrived.
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { resumeRun } from "mlbuild";

const worker = Number(process.argv[2]);
const count = Number(process.argv[3]);
const barrier = process.argv[4];

const run = await resumeRun();
writeFileSync(path.join(barrier, `ready-${worker}`), "");
// Start together, so the writes really interleave.
while (!existsSync(path.join(barrier, `ready-${1 - worker}`))) await sleep(5);

for (let step = 0; step < count; step++) {
  await run.logMetric("loss", worker * 100_000 + step, { step });
}
await run.close();
