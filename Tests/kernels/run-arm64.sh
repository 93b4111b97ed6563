#!/usr/bin/env bash
# Builds Sources/CKernels and kernel_parity.c for arm64 with the cross GCC and with the Swift toolchain's
# clang (what SwiftPM compiles CKernels with on an arm64 machine), and runs the parity test under
# qemu-aarch64: NEON kernels (base and SDOT) against the portable ones, then the dispatch with QUORUM_KERNELS=portable.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=.build/arm64
mkdir -p "$out"
sysroot=/usr/aarch64-linux-gnu
sources=(Sources/CKernels/*.c Tests/kernels/kernel_parity.c)
flags=(-O3 -Wall -Wextra -Werror -ISources/CKernels/include -ISources/CKernels)

build() {  # name, compiler command...
    local name=$1; shift
    local objs=()
    for src in "${sources[@]}"; do
        local obj="$out/$name-$(basename "${src%.c}").o"
        "$@" "${flags[@]}" -c "$src" -o "$obj"
        objs+=("$obj")
    done
    aarch64-linux-gnu-gcc "${objs[@]}" -lm -o "$out/kernel_parity-$name"
}

# GCC ignores the STDC FP_CONTRACT pragma that keeps the dequantizers unfused, so it gets the flag instead.
build gcc aarch64-linux-gnu-gcc -ffp-contract=off -Wno-unknown-pragmas
compilers=(gcc)
if command -v clang >/dev/null && clang --target=aarch64-linux-gnu -isystem "$sysroot/include" -x c -c /dev/null -o /dev/null 2>/dev/null; then
    build clang clang --target=aarch64-linux-gnu -isystem "$sysroot/include"
    compilers+=(clang)
fi

status=0
for c in "${compilers[@]}"; do
    echo "arm64 kernels, $c:"
    # qemu's default CPU has the ARMv8.2 dot product (SDOT); a Cortex-A53 has base NEON only.
    qemu-aarch64 -L "$sysroot" "$out/kernel_parity-$c" neon || status=1
    qemu-aarch64 -L "$sysroot" "$out/kernel_parity-$c" neon-dotprod || status=1
    qemu-aarch64 -cpu cortex-a53 -L "$sysroot" "$out/kernel_parity-$c" neon || status=1
    QUORUM_KERNELS=portable qemu-aarch64 -L "$sysroot" "$out/kernel_parity-$c" neon portable || status=1
done
exit $status
