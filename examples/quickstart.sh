#!/usr/bin/env bash
# mlbuild's main job on the bundled example model, in a throwaway folder: build a baseline and
# tag it production, build an int8 candidate, benchmark, validate against limits, and compare.
set -euo pipefail

examples="$(cd "$(dirname "$0")" && pwd)"
mlbuild() { node "$examples/../bin/mlbuild.js" "$@"; }
latest_build() { mlbuild log --limit 1 --json | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8"))[0].build_id)'; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
cp "$examples/model.onnx" model.onnx

step() { printf '\n\033[1m$ mlbuild %s\033[0m\n' "$*" >&2; }

step init
mlbuild init

step build --model model.onnx --target cpu --name example
mlbuild build --model model.onnx --target cpu --name example
BASELINE="$(latest_build)"
mlbuild tag create "$BASELINE" production

step build --model model.onnx --target cpu --quantize int8 --name example-int8
mlbuild build --model model.onnx --target cpu --quantize int8 --name example-int8
CANDIDATE="$(latest_build)"

step benchmark "${CANDIDATE:0:12}" --runs 300
mlbuild benchmark "$CANDIDATE" --runs 300

step validate "${CANDIDATE:0:12}" --max-p95 50 --max-size 2 --min-cosine 0.99 --budget 30s
status=0
mlbuild validate "$CANDIDATE" --max-p95 50 --max-size 2 --min-cosine 0.99 --budget 30s || status=$?
echo "validate exit code: $status" >&2

step compare production "${CANDIDATE:0:12}" --threshold 5 --budget 60s
status=0
mlbuild compare production "$CANDIDATE" --threshold 5 --budget 60s || status=$?
echo "compare exit code: $status (0 no regression, 1 regression, 3 inconclusive)" >&2
