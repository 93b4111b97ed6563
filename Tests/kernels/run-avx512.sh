#!/usr/bin/env bash
# Builds Sources/CKernels with QK_AVX512_EMULATED: quant_q8_avx512.c compiles against SIMDe (Debian
# libsimde-dev), whose portable versions of VPDPBUSD/VPDPWSSD run on any AVX2 CPU, and cpu.c reports AVX-512.
# Then kernel_parity.c checks that level (the VNNI int8 dots, the AVX2 kernels for the rest) against the
# portable kernels. On an AVX-512 machine the Swift tests also run the native build of the same source.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=.build/avx512-emulated
mkdir -p "$out"
cc=$(command -v clang || command -v cc)
flags=(-O2 -Wall -Wextra -Werror -Wno-unknown-pragmas -DQK_AVX512_EMULATED -ISources/CKernels/include -ISources/CKernels)
objs=()
for src in Sources/CKernels/*.c Tests/kernels/kernel_parity.c; do
    obj="$out/$(basename "${src%.c}").o"
    extra=()
    # SIMDe's AVX-512 emulation uses AVX2 underneath; the other files enable it per function, as in the real build.
    [ "$(basename "$src")" = quant_q8_avx512.c ] && extra=(-mavx2 -mfma -mf16c)
    "$cc" "${flags[@]}" "${extra[@]}" -c "$src" -o "$obj"
    objs+=("$obj")
done
"$cc" "${objs[@]}" -lm -lpthread -o "$out/kernel_parity"
echo "AVX-512 VNNI kernels (SIMDe), $(basename "$cc"):"
"$out/kernel_parity" avx512
QUORUM_KERNELS=portable "$out/kernel_parity" avx512 portable
