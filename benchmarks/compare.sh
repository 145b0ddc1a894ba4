#!/usr/bin/env bash
# Side by side: jdna (JMH) vs PyTorch CPU at the same shapes and thread counts, plus the ceilings
# (OpenBLAS SGEMM through PyTorch, memory copy inside the JMH run). Prints one table and writes it
# to benchmarks/results/latest.md (raw JSON beside it).
#
#   benchmarks/compare.sh            # quick: 1 fork, 2 warm-up iterations of 1 s + 5 measured of 0.4 s; < 10 min on 2 cores
#   benchmarks/compare.sh --full     # the JMH defaults of JdnaBenchmark (2 forks, 5+5 iterations)
#   options: --threads "1 2"  --shapes d256,d512  --bench REGEX (JMH benchmarks to run)
#            --no-torch  --no-jmh (reuses the last JMH JSON of the mode);  --no-train (skips the
#            training step: TrainStepBench and peers/pytorch_dna_step.py);
#            --pytorch27 (PyTorch 2.7.1 through DJL inside the same JMH run: builds and runs
#            target/benchmarks-pytorch.jar, mvn -P pytorch, a 110 MB download the first time; the
#            default when that jar exists)  --no-pytorch27;
#            JDNA_BENCH_BACKEND=reference measures another jdna backend
#   Times are the best measurement window on both sides (the best JMH iteration, the best PyTorch
#   window or step): this shared machine runs at half speed for ~0.2 s at a time; means stay in the JSON.
#
# PyTorch 2.7.1 runs as JMH benchmarks (PyTorch*Bench, benchmarks/src/pytorch) matched by the same
# REGEX, so its columns come from the same JVM run and the same JMH settings as jdna's.
# PyTorch 1.13 comes from Debian's python3-torch (with OpenBLAS as its BLAS); when /usr/bin/python3
# cannot import torch this script installs them with apt-get, and says so clearly when it cannot.
# A second table compares one full training step (issue 4, acceptance 4): TrainStepBench (DNA and
# dense) vs peers/pytorch_dna_step.py at the same thread counts, with model FLOP utilisation.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
results="$here/results"
mode=quick threads="1 2" shapes=d256,d512 bench='(GemmBench|MemoryBench|RoutingBench)' run_torch=1 run_jmh=1 run_train=1
run_torch27=auto
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) mode=quick ;;
    --full) mode=full ;;
    --threads) threads="$2"; shift ;;
    --bench) bench="$2"; shift ;;
    --shapes) shapes="$2"; shift ;;
    --no-torch) run_torch=0 ;;
    --no-jmh) run_jmh=0 ;;
    --no-train) run_train=0 ;;
    --pytorch27) run_torch27=1 ;;
    --no-pytorch27) run_torch27=0 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$results"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
say() { echo "[compare] $*" >&2; }

# ---------------------------------------------------------------- JDK 25
find_jdk() {
  local candidates=("${JAVA_HOME:-}" /usr/lib/jvm/*25*) c
  for c in "${candidates[@]}"; do
    if [[ -n "$c" && -x "$c/bin/java" ]] && "$c/bin/java" -version 2>&1 | grep -q 'version "25'; then
      echo "$c"; return 0
    fi
  done
  return 1
}

# ---------------------------------------------------------------- PyTorch (Debian) + OpenBLAS
py=/usr/bin/python3
torch_missing=""
ensure_torch() {
  if "$py" -c 'import torch' 2>/dev/null; then
    return 0
  fi
  say "/usr/bin/python3 cannot import torch: installing Debian's python3-torch (and OpenBLAS)"
  local sudo=""
  [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null && sudo="sudo -n"
  if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-torch libopenblas0-pthread; } >&2; then
    torch_missing="apt-get install python3-torch failed (no root, no network or no package); PyTorch column missing"
    return 1
  fi
  if ! "$py" -c 'import torch' 2>/dev/null; then
    torch_missing="python3-torch installed but /usr/bin/python3 still cannot import torch; PyTorch column missing"
    return 1
  fi
}
# Debian's torch calls the system libblas.so.3: without OpenBLAS that is the slow reference BLAS,
# which would make a meaningless SGEMM ceiling.
ensure_openblas() {
  if ! "$py" -c 'import torch,sys; torch.mm(torch.ones(2,2),torch.ones(2,2)); sys.exit(0 if any("openblas" in l for l in open("/proc/self/maps")) else 1)' 2>/dev/null; then
    say "torch does not load OpenBLAS: installing libopenblas0-pthread"
    local sudo=""
    [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null && sudo="sudo -n"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libopenblas0-pthread >&2 \
      || say "WARNING: could not install OpenBLAS; the SGEMM ceiling is the reference BLAS (slow)"
  fi
}

if [[ $run_torch -eq 1 ]]; then
  if [[ ! -x "$py" ]]; then
    torch_missing="/usr/bin/python3 not found; PyTorch column missing"
  elif ensure_torch; then
    ensure_openblas
  fi
  [[ -n "$torch_missing" ]] && say "$torch_missing"
fi

# ---------------------------------------------------------------- jdna: JMH
jmh_json="$results/jmh-$mode.json"
torch27_jar="$here/target/benchmarks-pytorch.jar"
if [[ $run_torch27 == auto ]]; then
  run_torch27=0
  [[ -f "$torch27_jar" ]] && run_torch27=1
fi
libtorch_version="$(sed -n 's:.*<libtorch.version>\(.*\)</libtorch.version>.*:\1:p' "$here/pom.xml")"
torch27_missing=""
[[ $run_torch27 -eq 0 ]] && torch27_missing="not run (--no-pytorch27, or no target/benchmarks-pytorch.jar: run with --pytorch27)"
vector=""
if [[ $run_jmh -eq 1 ]]; then
  jdk="$(find_jdk)" || { echo "compare.sh: no JDK 25 found (JAVA_HOME or /usr/lib/jvm/*25*)" >&2; exit 1; }
  export JAVA_HOME="$jdk"
  jar="$here/target/benchmarks.jar" profile=()
  if [[ $run_torch27 -eq 1 ]]; then
    jar="$torch27_jar" profile=(-P pytorch)
  fi
  if [[ ! -f "$jar" ]] || [[ -n "$(find "$root" \( -path '*/src/main/*' -o -path '*/src/pytorch/*' \) -newer "$jar" -print -quit)" ]]; then
    say "building $jar"
    (cd "$root" && { mvn -q -o -pl benchmarks -am package -DskipTests "${profile[@]}" || mvn -q -pl benchmarks -am package -DskipTests "${profile[@]}"; })
  fi
  vector="$("$jdk/bin/java" --add-modules=jdk.incubator.vector -Djdna.bench.backend="${JDNA_BENCH_BACKEND:-simd}" \
    -cp "$jar" org.jdna.bench.BenchInfo 2>/dev/null | tail -1)" || vector=""
  jmh_threads="$(echo $threads | tr ' ' ',')"
  jmh_opts=()
  [[ $mode == quick ]] && jmh_opts=(-f 1 -wi 2 -i 5 -w 1s -r 400ms)
  say "JMH ($mode, threads $jmh_threads): $bench$([[ $run_torch27 -eq 1 ]] && echo ", with PyTorch $libtorch_version (DJL)")"
  # GemmBench's shapes are its own; --shapes restricts the routing and memory ones.
  shape_opt=()
  [[ $shapes != d256,d512 ]] && shape_opt=(-p shape="$shapes")
  # REGEX also matches the PyTorch* twins (PyTorchRoutingBench, ...) when the jar has them
  "$jdk/bin/java" -Djdna.bench.backend="${JDNA_BENCH_BACKEND:-simd}" -jar "$jar" "$bench" \
    -e TrainStepBench -p threads="$jmh_threads" "${shape_opt[@]}" "${jmh_opts[@]}" \
    -rf json -rff "$jmh_json" >&2
  if [[ $run_train -eq 1 ]]; then
    train_opts=()
    # one step is 0.3 to 3 s, so its iterations are longer than the kernels'
    [[ $mode == quick ]] && train_opts=(-f 1 -wi 2 -i 4 -w 3s -r 2s)
    say "JMH ($mode, threads $jmh_threads): TrainStepBench$([[ $run_torch27 -eq 1 ]] && echo " and PyTorchTrainStepBench")"
    "$jdk/bin/java" -Djdna.bench.backend="${JDNA_BENCH_BACKEND:-simd}" -jar "$jar" TrainStepBench \
      -p threads="$jmh_threads" "${train_opts[@]}" -rf json -rff "$results/jmh-train-$mode.json" >&2
  fi
fi

# ---------------------------------------------------------------- PyTorch peer
torch_jsons=()
if [[ $run_torch -eq 1 && -z "$torch_missing" ]]; then
  seconds=1.0
  [[ $mode == quick ]] && seconds=1.0
  for t in $threads; do
    out="$results/pytorch-$mode-t$t.json"
    say "PyTorch, $t thread(s)"
    OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t MKL_NUM_THREADS=$t \
      "$py" "$here/peers/pytorch_routing.py" --threads "$t" --seconds "$seconds" \
      --shapes "$shapes" > "$out"
    torch_jsons+=("$out")
    if [[ $run_train -eq 1 ]]; then
      step_opts=()
      [[ $mode == quick ]] && step_opts=(--warmup 1 --steps 3)  # a 2-thread PyTorch DNA step can take 30 s on a loaded machine
      say "PyTorch training step (DNA and dense), $t thread(s)"
      OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t MKL_NUM_THREADS=$t \
        "$py" "$here/peers/pytorch_dna_step.py" --threads "$t" "${step_opts[@]}" > "$results/pytorch-train-$mode-t$t.json"
      torch_jsons+=("$results/pytorch-train-$mode-t$t.json")
    fi
  done
fi

# ---------------------------------------------------------------- one table
table_py="$py"; [[ -x "$table_py" ]] || table_py=python3
train_json=()
[[ $run_train -eq 1 ]] && train_json=(--jmh-train "$results/jmh-train-$mode.json")
"$table_py" "$here/compare_table.py" --jmh "$jmh_json" "${train_json[@]}" --mode "$mode" --load "$load_before -> $(cut -d' ' -f1-3 /proc/loadavg)" \
  --torch-missing "$torch_missing" --torch27-version "${libtorch_version:-2.7.1}" --torch27-missing "$torch27_missing" \
  --vector "$vector" --out "$results/latest.md" "${torch_jsons[@]}"
