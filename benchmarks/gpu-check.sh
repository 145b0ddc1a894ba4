#!/usr/bin/env bash
# benchmarks/gpu-check.sh OUTDIR: the prepared check of the CUDA backend on a GPU machine.
#
#   1. build         mvn -DskipTests package (the jars, and the PTX when nvcc is present)
#   2. tests         kernels-cuda's tests through surefire: the CUDA contract suite, the gradient
#                    checks, the CUDA-only cases and GEMM routes, and the host-side unit tests; with a
#                    GPU, -Djdna.cuda.required=true makes a backend that does not start FAIL
#   3. training      50 DNA steps (dna-top2, synthetic text, seed 1) with --device cuda beside the
#                    same run with --device simd, and their loss curves compared (tolerance below)
#   4. benchmarks    JMH on the CUDA backend: SGEMM (GemmBench), grouped GEMM against one SGEMM of the
#                    same FLOPs (GroupedGemmBench), dispatch and combine against the device copy
#                    (RoutingBench, MemoryBench.backendCopy), the DNA training step (TrainStepBench)
#
# Everything goes under OUTDIR; OUTDIR/summary.md says what ran, what passed and what was skipped
# and why. Sized to finish in under 8 minutes on one H100 (JDNA_GPU_CHECK_BUDGET, default 470 s:
# a stage that would not fit in what is left is skipped and says so, and the benchmarks are cut off
# at the budget). The CPU training run starts right after the build, beside the tests. Without a GPU, stages 3 and 4
# are skipped (and the device tests skip with their reason); the script then exits 0.
# Exit 1 when the build fails, a test fails, or the GPU and CPU loss curves disagree.
#
# Environment: JAVA_HOME (a JDK 25; else /usr/lib/jvm/*25*), JDNA_MVN_ARGS (extra Maven flags, e.g.
# -o on a machine without network), JDNA_GPU_CHECK_BUILD=0 (use the jars already built).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:?usage: benchmarks/gpu-check.sh OUTDIR}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
SUMMARY="$OUT/summary.md"
BUDGET="${JDNA_GPU_CHECK_BUDGET:-470}"
START=$(date +%s)
FAILED=0
: > "$SUMMARY"

elapsed() { echo $(( $(date +%s) - START )); }
say() { echo "$*" | tee -a "$SUMMARY"; }
note() { echo "[gpu-check $(elapsed)s] $*" >&2; }
# fits SECONDS: whether a stage estimated at SECONDS still fits the budget
fits() { (( $(elapsed) + $1 <= BUDGET )); }

# ---------------------------------------------------------------- environment
find_jdk() {
  local home
  for home in "${JAVA_HOME:-}" /usr/lib/jvm/*25*; do
    [[ -n "$home" && -x "$home/bin/java" && -x "$home/bin/javac" ]] || continue
    if "$home/bin/java" -version 2>&1 | grep -q 'version "25'; then echo "$home"; return 0; fi
  done
  return 1
}
JDK="$(find_jdk)" || { echo "gpu-check: no JDK 25 (set JAVA_HOME)" >&2; exit 1; }
export JAVA_HOME="$JDK" PATH="$JDK/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
# shellcheck disable=SC2206
MVN_ARGS=(-B -ntp -Dstyle.color=never ${JDNA_MVN_ARGS:-})

GPU=0
if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L > "$OUT/gpu.txt" 2>&1 && grep -q '^GPU ' "$OUT/gpu.txt"; then
  GPU=1
  nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv >> "$OUT/gpu.txt" 2>&1 || true
fi
CORES=$(nproc 2>/dev/null || echo 2)

say "# jdna GPU check"
say ""
say "- commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
say "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); host: $(hostname), $CORES cores; JDK: $("$JDK/bin/java" -version 2>&1 | head -1)"
if (( GPU )); then
  say "- GPU: $(grep '^GPU ' "$OUT/gpu.txt" | head -1)"
else
  say "- GPU: **none** (nvidia-smi missing or lists no GPU): the device tests skip, the training and the benchmarks are SKIPPED"
fi
say ""

# ---------------------------------------------------------------- 1. build
say "## 1. Build"
if [[ "${JDNA_GPU_CHECK_BUILD:-1}" == 0 ]]; then
  say "- skipped (JDNA_GPU_CHECK_BUILD=0): using the jars already in */target"
else
  note "building (mvn -DskipTests package) ..."
  t0=$(elapsed)
  if (cd "$ROOT" && mvn "${MVN_ARGS[@]}" -q -DskipTests package) > "$OUT/build.log" 2>&1; then
    say "- built in $(( $(elapsed) - t0 )) s ($(grep -o 'PTX up to date.*' "$OUT/build.log" | head -1 || true))"
  else
    say "- **FAILED** (build.log):"; tail -20 "$OUT/build.log" | sed 's/^/    /' | tee -a "$SUMMARY"
    exit 1
  fi
fi
for jar in dna-model/target/jdna.jar benchmarks/target/benchmarks.jar; do
  [[ -f "$ROOT/$jar" ]] || { say "- **missing $jar**"; exit 1; }
done
(cd "$ROOT" && java -jar dna-model/target/jdna.jar info --backends) > "$OUT/backends.txt" 2>&1 || true
say "- backends: $(grep -i 'backend cuda' "$OUT/backends.txt" | sed 's/^backend *//' || echo 'see backends.txt')"
say ""

# ---------------------------------------------------------------- 3a. the CPU side of the training, beside the tests
TRAIN_ARGS=(train --preset dna-top2 --steps 50 --seed 1 --overwrite --set data.dataset=synthetic-text
            --set train.evalEvery=0 --set train.logEvery=1 --set train.warmupSteps=5 --set train.checkpointEvery=0)
cpu_pid=""
if (( GPU )); then
  note "starting the CPU training run (50 steps, --device simd) in the background ..."
  (cd "$ROOT" && ./jdna "${TRAIN_ARGS[@]}" --device simd --threads $(( CORES > 4 ? CORES - 4 : CORES )) \
      --out "$OUT/train-cpu") > "$OUT/train-cpu.log" 2>&1 &
  cpu_pid=$!
fi

# ---------------------------------------------------------------- 2. tests
say "## 2. CUDA tests (kernels-cuda, surefire)"
REQUIRED=()
(( GPU )) && REQUIRED=(-Djdna.cuda.required=true)
if fits 120; then
  note "running the CUDA tests ..."
  t0=$(elapsed)
  (cd "$ROOT" && mvn "${MVN_ARGS[@]}" test -pl kernels-cuda -am -Dtest='org.jdna.cuda.**' \
      -Dsurefire.failIfNoSpecifiedTests=false "${REQUIRED[@]}") > "$OUT/tests.log" 2>&1
  rc=$?
  mkdir -p "$OUT/tests"
  cp "$ROOT"/kernels-cuda/target/surefire-reports/*.xml "$OUT/tests/" 2>/dev/null || true
  say "| test class | tests | failures | errors | skipped |"
  say "|---|---:|---:|---:|---:|"
  for xml in "$OUT"/tests/TEST-*.xml; do
    [[ -f "$xml" ]] || continue
    head -2 "$xml" | grep -o '<testsuite[^>]*>' | sed -E 's/.*name="([^"]*)".*tests="([0-9]*)".*errors="([0-9]*)".*skipped="([0-9]*)".*failures="([0-9]*)".*/| \1 | \2 | \5 | \3 | \4 |/' \
      | sed 's/org\.jdna\.cuda\.//' | tee -a "$SUMMARY"
  done
  skipped_reason=$(grep -h -o 'TestAbortedException: [^]]*' "$OUT"/tests/*.xml 2>/dev/null | sort | uniq -c | sort -rn | head -3)
  [[ -n "$skipped_reason" ]] && { say ""; say "Skip reasons (count, reason):"; echo "$skipped_reason" | sed 's/^/    /' | tee -a "$SUMMARY"; }
  if (( rc != 0 )); then
    FAILED=1; say ""; say "- **FAILED** (exit $rc; tests.log, tests/*.xml)"
  else
    say ""; say "- passed in $(( $(elapsed) - t0 )) s"
  fi
else
  say "- SKIPPED: the time budget ($BUDGET s) is spent"
fi
say ""

# ---------------------------------------------------------------- 3. training, GPU beside CPU
say "## 3. 50 DNA training steps: --device cuda beside --device simd"
# Tolerance, and why: both runs start from the same weights (seed 1) and see the same batches, so the
# first step differs only by rounding (summation order, the device's expf/tanhf): |dloss| <= 1e-3.
# Later steps also differ where a top-k choice flips on a near tie, which changes that token's
# gradient, so the curves drift apart slowly: every step within 0.05 + 2% of the CPU loss, and the
# mean of the last 10 steps within 2%.
if (( ! GPU )); then
  say "- SKIPPED: no GPU"
elif ! fits 120; then
  say "- SKIPPED: the time budget ($BUDGET s) is spent"
  kill "$cpu_pid" 2>/dev/null
else
  note "training 50 steps on the GPU (the CPU run started after the build) ..."
  t0=$(elapsed)
  (cd "$ROOT" && ./jdna "${TRAIN_ARGS[@]}" --device cuda --out "$OUT/train-cuda") > "$OUT/train-cuda.log" 2>&1
  gpu_rc=$?
  wait "$cpu_pid"; cpu_rc=$?
  # step and loss of each {"type":"step",...} line of metrics.jsonl
  curve() { grep '"type":"step"' "$1" 2>/dev/null | sed -E 's/.*"step":([0-9]+).*"loss":([-0-9.eE]+|"NaN"|"Infinity").*/\1 \2/'; }
  curve "$OUT/train-cuda/metrics.jsonl" > "$OUT/loss-cuda.txt"
  curve "$OUT/train-cpu/metrics.jsonl" > "$OUT/loss-cpu.txt"
  if (( gpu_rc != 0 || cpu_rc != 0 )); then
    FAILED=1
    say "- **FAILED**: cuda exit $gpu_rc, cpu exit $cpu_rc (train-cuda.log, train-cpu.log):"
    tail -5 "$OUT/train-cuda.log" | sed 's/^/    /' | tee -a "$SUMMARY"
  else
    awk 'NR == FNR { cpu[$1] = $2; next } ($1 in cpu) { print $1, cpu[$1], $2 }' \
        "$OUT/loss-cpu.txt" "$OUT/loss-cuda.txt" > "$OUT/loss-both.txt"
    verdict=$(awk '
      $2 !~ /^[-0-9.eE]+$/ || $3 !~ /^[-0-9.eE]+$/ { n++; bad++; if (!worstStep) worstStep = $1; next }
      { n++; cpu[n] = $2; gpu[n] = $3; d = $3 - $2; if (d < 0) d = -d
        if (n == 1) first = d
        if (!(d <= 0.05 + 0.02 * ($2 < 0 ? -$2 : $2))) { bad++; if (!worstStep) worstStep = $1 }
        if (d > worst) worst = d }
      END {
        if (n < 50) { printf "FAIL only %d common steps\n", n; exit }
        for (i = n - 9; i <= n; i++) { mc += cpu[i]; mg += gpu[i] }
        mc /= 10; mg /= 10; rel = (mg - mc) / mc; if (rel < 0) rel = -rel
        ok = first <= 1e-3 && bad == 0 && rel <= 0.02
        printf "%s step-1 |dloss| %.2e (<= 1e-3), largest |dloss| %.4f, steps outside 0.05 + 2%%: %d%s, last-10 mean cpu %.4f gpu %.4f (rel %.2f%%, <= 2%%)\n",
               ok ? "PASS" : "FAIL", first, worst, bad, bad ? " (first at step " worstStep ")" : "", mc, mg, 100 * rel }' "$OUT/loss-both.txt")
    [[ "$verdict" == PASS* ]] || FAILED=1
    say "- $verdict"
    say "- loss every 10 steps (step, cpu, gpu):"
    awk 'NR % 10 == 1 || NR == 50 { printf "    %3d  %.4f  %.4f\n", $1, $2, $3 }' "$OUT/loss-both.txt" | tee -a "$SUMMARY"
    for side in cuda cpu; do
      say "- $side: $(grep -o 'this session trained.*' "$OUT/train-$side.log" | head -1)"
    done
  fi
  say "- the GPU run in $(( $(elapsed) - t0 )) s (and the wait for the CPU run)"
fi
say ""

# ---------------------------------------------------------------- 4. benchmarks
say "## 4. GPU benchmarks (JMH, -f 1 -wi 2 -i 3, 1 s iterations; backend cuda)"
if (( ! GPU )); then
  say "- SKIPPED: no GPU"
elif ! fits 100; then
  say "- SKIPPED: the time budget ($BUDGET s) is spent"
else
  note "running the benchmarks (cut off at the budget) ..."
  t0=$(elapsed)
  mkdir -p "$OUT/bench"
  (cd "$ROOT" && timeout $(( BUDGET - $(elapsed) )) java -Djdna.bench.backend=cuda --enable-native-access=ALL-UNNAMED -jar benchmarks/target/benchmarks.jar \
      'GemmBench.sgemm|GroupedGemmBench|MemoryBench.backendCopy|RoutingBench.(dispatch|combine)|TrainStepBench' \
      -p threads=1 -p shape=d256,d512 -p model=dna -f 1 -wi 2 -i 3 -w 1 -r 1 \
      -rf csv -rff "$OUT/bench/jmh.csv") > "$OUT/bench/jmh.log" 2>&1
  rc=$?
  if (( rc == 124 )); then
    say "- cut off at the budget ($BUDGET s): the benchmarks that finished are in bench/jmh.log"
  elif (( rc != 0 )) || [[ ! -s "$OUT/bench/jmh.csv" ]]; then
    FAILED=1; say "- **FAILED** (exit $rc; bench/jmh.log):"; tail -8 "$OUT/bench/jmh.log" | sed 's/^/    /' | tee -a "$SUMMARY"
  else
    # rows: benchmark[:counter], then the params; the counters gflop / gbyte / tokens are per second
    sed 's/"//g' "$OUT/bench/jmh.csv" | awk -F, '
      NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /^Param: /) { p[i] = substr($i, 8) }; next }
      { name = $1; sub(/^org\.jdna\.bench\./, "", name); key = ""
        for (i in p) if ($i != "" && p[i] != "threads") key = key (key ? " " : "") $i
        score[name "|" key] = $5; keys[key] = 1 }
      END {
        print "| what | shape | rate | against | ratio |"; print "|---|---|---:|---:|---:|"
        for (k in keys) {
          g = score["GemmBench.sgemm:gflop|" k]
          if (g != "") printf "| SGEMM (the backend route) | %s | %.0f GFLOP/s | | |\n", k, g
          gg = score["GroupedGemmBench.grouped:gflop|" k]; gs = score["GroupedGemmBench.single:gflop|" k]
          if (gg != "" && gs != "") printf "| grouped GEMM (E = 16) | %s | %.0f GFLOP/s | one SGEMM, same FLOPs: %.0f GFLOP/s | %.2fx |\n", k, gg, gs, gg / gs
          c = score["MemoryBench.backendCopy:gbyte|" k]
          for (b = 0; b < 2; b++) { n = b ? "combine" : "dispatch"; v = score["RoutingBench." n ":gbyte|" k]
            if (v != "" && c != "") printf "| %s | %s | %.0f GB/s | device copy: %.0f GB/s | %.2fx |\n", n, k, v, c, v / c }
          t = score["TrainStepBench.trainStep:tokens|" k]
          if (t != "") printf "| DNA training step (B=16, T=128) | %s | %.0f tokens/s | | |\n", k, t
        } }' | tee -a "$SUMMARY"
    say ""; say "- benchmarks in $(( $(elapsed) - t0 )) s (bench/jmh.csv, bench/jmh.log)"
  fi
fi
say ""

# ---------------------------------------------------------------- verdict
say "## Verdict"
if (( FAILED )); then
  say "- **FAILED** (see the sections above); $(elapsed) s in all"
  exit 1
fi
if (( GPU )); then
  say "- passed; $(elapsed) s in all"
else
  say "- no GPU here: built, ran the host-side tests (the device tests skipped with their reason), SKIPPED the training and the benchmarks; $(elapsed) s in all"
fi
exit 0
