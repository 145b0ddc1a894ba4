#!/usr/bin/env bash
# Compiles every *.cu under SRC_DIR to PTX under OUT_DIR/compute_90 (Hopper and newer) and
# OUT_DIR/compute_75 (portable fallback, JIT-compiled by the driver on Turing and newer).
# Skips cleanly (exit 0) when nvcc is absent: the backend then reports "built without PTX".
# Incremental: a .ptx newer than its .cu and every header is kept.
# Usage: build-ptx.sh SRC_DIR OUT_DIR     (NVCC=/path/to/nvcc overrides the search; NVCC=none skips)
set -euo pipefail
src_dir=${1:?source dir}
out_dir=${2:?output dir}
archs=${JDNA_PTX_ARCHS:-"compute_90 compute_75"}

nvcc_bin=${NVCC:-}
if [[ "$nvcc_bin" == none ]]; then
  nvcc_bin=""   # NVCC=none simulates a machine without nvcc
elif [[ -z "$nvcc_bin" ]]; then
  for candidate in "$(command -v nvcc 2>/dev/null || true)" /usr/local/cuda/bin/nvcc /usr/local/bin/nvcc \
                   ${CUDA_HOME:+$CUDA_HOME/bin/nvcc}; do
    if [[ -n "$candidate" && -x "$candidate" ]]; then nvcc_bin=$candidate; break; fi
  done
fi
if [[ -z "$nvcc_bin" ]]; then
  echo "[jdna-kernels-cuda] nvcc not found: building without PTX (the CUDA backend will report it)"
  exit 0
fi

shopt -s nullglob
headers=("$src_dir"/*.cuh)
newest_header=0
for h in "${headers[@]}"; do
  t=$(stat -c %Y "$h"); (( t > newest_header )) && newest_header=$t
done

compiled=0
for arch in $archs; do
  mkdir -p "$out_dir/$arch"
  for cu in "$src_dir"/*.cu; do
    name=$(basename "$cu" .cu)
    ptx="$out_dir/$arch/$name.ptx"
    if [[ -f "$ptx" ]]; then
      pt=$(stat -c %Y "$ptx"); ct=$(stat -c %Y "$cu")
      if (( pt >= ct && pt >= newest_header )); then continue; fi
    fi
    "$nvcc_bin" -ptx -arch="$arch" -O3 -I"$src_dir" "$cu" -o "$ptx.tmp"
    mv "$ptx.tmp" "$ptx"
    compiled=$((compiled + 1))
  done
done
echo "[jdna-kernels-cuda] PTX up to date in $out_dir ($compiled compiled with $nvcc_bin for: $archs)"
