#!/bin/sh
# The image's build steps, in one place: docker/Dockerfile runs them, and
# apps/oss-server/test/image-replay.test.ts replays them on a machine without Docker.
#   sh docker/build-app.sh APP OUT [WITH_TRANSFORMERS]
# APP: oss-server or cloud-server. OUT: where the runnable app goes (its dist, production
# node_modules and config). WITH_TRANSFORMERS=true keeps the transformers embedder and its ONNX
# runtimes (about 385 MB); without it the image carries only what the default embedder and the
# other backends load.
set -eu
APP=${1:?APP}
OUT=${2:?OUT}
WITH_TRANSFORMERS=${3:-false}
cd "$(dirname "$0")/.."
# The replay test sets ALREADY_BUILT=1: its test run has installed and built with these same
# commands, and running them again beside its other suites would rewrite files they read.
if [ "${ALREADY_BUILT:-}" != 1 ]; then
  node scripts/setup.js
  # Logs per package as they come, so a first build's distillation of the word table shows.
  node_modules/.bin/turbo run build --filter="@engram/${APP}..." --output-logs=new-only
fi
node_modules/.bin/pnpm deploy --filter="@engram/${APP}" --prod --legacy "$OUT"
if [ "$WITH_TRANSFORMERS" != true ]; then
  # The transformers embedder and what only it loads: its ONNX runtimes and sharp. The server
  # loads it only when ENGRAM_EMBEDDER=transformers, and then names this build argument.
  # (Not `--no-optional`: that would also drop the platform binaries sqlite-vec needs.)
  rm -rf "$OUT"/node_modules/.pnpm/@engram+embed-transformers@* "$OUT"/node_modules/.pnpm/@huggingface+* \
    "$OUT"/node_modules/.pnpm/onnxruntime-* "$OUT"/node_modules/.pnpm/sharp@* "$OUT"/node_modules/.pnpm/@img+*
fi
cp -r config "$OUT/config"
echo "app in $OUT: $(du -sh "$OUT" | cut -f1)"
