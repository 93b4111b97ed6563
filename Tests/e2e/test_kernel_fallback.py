"""A CPU without the SIMD features: the engine falls back to the portable kernels, says so in one log line,
and computes the same logits. QUORUM_KERNELS=portable makes the kernels see no CPU features at all, which is
how a machine without AVX2/FMA/F16C (or NEON) looks to them."""

import json
import os
import subprocess

import pytest

from conftest import QUORUM_BIN, ROOT

MODELS = ROOT / "Tests/InferenceTests/Models"
PROMPT = "def fibonacci(n):\n    if n < 2:\n        return n\n"


def logits(model: str, portable: bool):
    env = dict(os.environ)
    env.pop("QUORUM_KERNELS", None)
    if portable:
        env["QUORUM_KERNELS"] = "portable"
    run = subprocess.run([QUORUM_BIN, "logits", "--model", str(MODELS / model), "--prompt", PROMPT, "--top", "40"],
                         env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout), run.stderr


@pytest.mark.parametrize("model", ["tiny-qwen3moe-q4_k_m.gguf", "tiny-qwen3moe-q8_0.gguf", "tiny-gemma3-q8_0.gguf"])
def test_portable_fallback_logs_once_and_gives_the_same_logits(model):
    fast, fast_log = logits(model, portable=False)
    slow, slow_log = logits(model, portable=True)

    notes = [line for line in slow_log.splitlines() if "kernels:" in line]
    assert len(notes) == 1, slow_log
    assert "portable C" in notes[0] and "QUORUM_KERNELS=portable" in notes[0]
    fast_notes = [line for line in fast_log.splitlines() if "kernels:" in line]
    assert len(fast_notes) == 1 and "portable" not in fast_notes[0], fast_log

    assert fast["tokens"] == slow["tokens"]
    for position, (a, b) in enumerate(zip(fast["positions"], slow["positions"])):
        top_a = {e["id"]: e["logit"] for e in a["top"]}
        top_b = {e["id"]: e["logit"] for e in b["top"]}
        best = a["top"][0]
        # The int8 dots compute the same integer sums; only f32 summation order differs.
        assert best["id"] in top_b, f"position {position}"
        shared = set(top_a) & set(top_b)
        assert len(shared) >= 35, f"position {position}: top-40 lists share only {len(shared)}"
        for token in shared:
            assert abs(top_a[token] - top_b[token]) <= 1e-3 * max(1.0, abs(top_a[token])), (position, token)


def test_bench_reports_the_kernel_level():
    def level(portable: bool) -> str:
        env = dict(os.environ)
        env.pop("QUORUM_KERNELS", None)
        if portable:
            env["QUORUM_KERNELS"] = "portable"
        run = subprocess.run([QUORUM_BIN, "bench", "--model", str(MODELS / "tiny-qwen3moe-q8_0.gguf"), "--pp", "8",
                              "--tg", "4", "--repeats", "1", "--json"], env=env, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        return json.loads(run.stdout)["kernels"]

    assert level(portable=True) == "portable"
    assert level(portable=False) in ("avx512", "avx2", "neonDotprod", "neon")
