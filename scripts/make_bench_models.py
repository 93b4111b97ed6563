#!/usr/bin/env python3
"""Writes the random-weight qwen3moe models `make bench` measures, idempotently.

The shape is a realistic small Qwen3 mixture of experts, so the benchmark sees the matrix sizes, expert routing
and vocabulary of a real model rather than the toy shapes of the test models:
  24 layers, hidden 1024, 16 query heads and 4 KV heads of 128, 64 experts with 8 used per token,
  expert FFN 512, untied output, context 32768, RoPE base 1e6,
  and Qwen's full byte-level BPE vocabulary (151,643 ranks from dashscope's qwen.tiktoken, converted as
  make_tiny_models.py does, plus the 26 Qwen3 added tokens, padded with unused tokens to 151,936 rows as
  Qwen3's embedding is).
That is 2.8 B parameters, 0.6 B of them active per token.

Two files are written, from the same random float weights:
  bench-qwen3moe-q8_0.gguf   every matrix Q8_0                              (about 3.0 GB)
  bench-qwen3moe-q4_k.gguf   every matrix Q4_K ("pure", no Q6_K mix-in)     (about 1.6 GB)
Norms and the router (`ffn_gate_inp`) stay F32 in both, as llama.cpp's quantizer leaves them.
gguf-py cannot quantize to Q4_K, so `quantize_q4_k` below does it (a plain min/max fit per sub-block;
the weights are random, so only the layout has to be right, and `--check` tests it against gguf-py's decoder).

Destination: $QUORUM_MODEL_DIR, else $QUORUM_CACHE_DIR/models, else ~/.cache/quorum/models.
A file is rewritten only when it is missing or was written by another version of this script
(the version is kept in `general.name`). Each file is written under a temporary name and renamed when complete.

Usage: make_bench_models.py [--out DIR] [--tiktoken PATH] [--check]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_tiny_models import QT, default_tiktoken, gguf, qwen_vocab  # noqa: E402  (helpers shared with the test models)

VERSION = "bench-qwen3moe v1"
N_VOCAB = 151936  # Qwen3's embedding rows: the tokenizer's 151,669 tokens padded up
N_EMBD, N_LAYER, N_HEAD, N_KV, HEAD_DIM = 1024, 24, 16, 4, 128
N_EXPERT, N_USED, N_FF_EXP = 64, 8, 512
CONTEXT = 32768
FILES = {QT.Q8_0: "bench-qwen3moe-q8_0.gguf", QT.Q4_K: "bench-qwen3moe-q4_k.gguf"}
FILE_TYPES = {QT.Q8_0: gguf.LlamaFileType.MOSTLY_Q8_0, QT.Q4_K: gguf.LlamaFileType.MOSTLY_Q4_K_S}


def model_dir() -> Path:
    """The same search as scripts/install_models.py and QuorumPaths.models."""
    env = os.environ
    if env.get("QUORUM_MODEL_DIR"):
        return Path(env["QUORUM_MODEL_DIR"])
    if env.get("QUORUM_CACHE_DIR"):
        return Path(env["QUORUM_CACHE_DIR"]) / "models"
    if env.get("XDG_CACHE_HOME"):
        return Path(env["XDG_CACHE_HOME"]) / "quorum" / "models"
    return Path.home() / ".cache" / "quorum" / "models"


def quantize_q4_k(x: np.ndarray) -> np.ndarray:
    """f32 [..., cols] (cols a multiple of 256) → Q4_K blocks as uint8 [..., cols / 256 * 144].

    A block of 256 values is 8 sub-blocks of 32; each sub-block stores value ≈ d·sc·q − dmin·m with a 4-bit q
    and 6-bit sc, m, and d, dmin as f16 for the whole block. The layout is ggml's block_q4_K:
    d, dmin, 12 bytes of packed 6-bit scales and mins, then 128 bytes where byte l of 32-byte chunk j holds
    sub-block 2j in its low nibble and sub-block 2j+1 in its high nibble.
    """
    shape = x.shape
    blocks = x.reshape(-1, 8, 32).astype(np.float32)
    n = blocks.shape[0]
    lo = np.minimum(blocks.min(axis=-1), 0)              # [n, 8]; the offset is a non-negative min times dmin
    hi = blocks.max(axis=-1)
    scale = (hi - lo) / 15
    d = (scale.max(axis=-1) / 63).astype(np.float16)     # [n]
    dmin = ((-lo).max(axis=-1) / 63).astype(np.float16)
    d32, dmin32 = d.astype(np.float32)[:, None], dmin.astype(np.float32)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        sc = np.where(d32 > 0, np.rint(scale / d32), 0).clip(0, 63).astype(np.uint8)
        mn = np.where(dmin32 > 0, np.rint(-lo / dmin32), 0).clip(0, 63).astype(np.uint8)
        step = (d32 * sc)[..., None]
        q = np.where(step > 0, np.rint((blocks + (dmin32 * mn)[..., None]) / step), 0).clip(0, 15).astype(np.uint8)
    scales = np.empty((n, 12), np.uint8)
    scales[:, 0:4] = sc[:, :4] | ((sc[:, 4:] >> 4) << 6)
    scales[:, 4:8] = mn[:, :4] | ((mn[:, 4:] >> 4) << 6)
    scales[:, 8:12] = (sc[:, 4:] & 0x0F) | ((mn[:, 4:] & 0x0F) << 4)
    q = q.reshape(n, 4, 2, 32)
    qs = (q[:, :, 0, :] | (q[:, :, 1, :] << 4)).reshape(n, 128)
    out = np.concatenate([d.reshape(n, 1).view(np.uint8), dmin.reshape(n, 1).view(np.uint8), scales, qs], axis=1)
    return out.reshape(*shape[:-1], shape[-1] // 256 * 144)


def quantize(data: np.ndarray, qt: QT) -> np.ndarray:
    if qt == QT.F32:
        return data
    if qt == QT.Q4_K:
        return quantize_q4_k(data)
    return gguf.quants.quantize(data, qt)


def check_q4_k() -> None:
    """The Q4_K writer round-trips through gguf-py's decoder within half a quantization step."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 512), dtype=np.float32)
    x[3] = 0  # an all-zero row must not produce NaN
    y = gguf.quants.dequantize(quantize_q4_k(x), QT.Q4_K).reshape(x.shape)
    err = np.abs(y - x).reshape(-1, 32).max(axis=-1)
    step = (x.reshape(-1, 32).max(axis=-1) - np.minimum(x.reshape(-1, 32).min(axis=-1), 0)) / 15
    # d and dmin are f16 and sc, m 6-bit, so allow a little more than half a step.
    bad = err > 0.5 * step + 0.08 * np.abs(x).reshape(-1, 32).max(axis=-1) + 1e-6
    if bad.any() or not np.isfinite(y).all():
        sys.exit(f"Q4_K self-check failed: worst error {err.max():.4f}")
    print(f"Q4_K self-check: max error {err.max():.4f} over {x.size} values")


def plan() -> list[tuple[str, tuple[int, ...], float, bool]]:
    """(name, numpy shape [..., rows, cols], std, quantized) for every tensor, in file order."""
    t = [("token_embd.weight", (N_VOCAB, N_EMBD), 1.0, True),
         ("output_norm.weight", (N_EMBD,), 0.0, False),
         ("output.weight", (N_VOCAB, N_EMBD), N_EMBD ** -0.5, True)]
    q, kv = N_HEAD * HEAD_DIM, N_KV * HEAD_DIM
    for i in range(N_LAYER):
        p = f"blk.{i}."
        t += [(p + "attn_norm.weight", (N_EMBD,), 0.0, False),
              (p + "attn_q.weight", (q, N_EMBD), N_EMBD ** -0.5, True),
              (p + "attn_k.weight", (kv, N_EMBD), N_EMBD ** -0.5, True),
              (p + "attn_v.weight", (kv, N_EMBD), N_EMBD ** -0.5, True),
              (p + "attn_q_norm.weight", (HEAD_DIM,), 0.0, False),
              (p + "attn_k_norm.weight", (HEAD_DIM,), 0.0, False),
              (p + "attn_output.weight", (N_EMBD, q), q ** -0.5, True),
              (p + "ffn_norm.weight", (N_EMBD,), 0.0, False),
              (p + "ffn_gate_inp.weight", (N_EXPERT, N_EMBD), N_EMBD ** -0.5, False),
              (p + "ffn_gate_exps.weight", (N_EXPERT, N_FF_EXP, N_EMBD), N_EMBD ** -0.5, True),
              (p + "ffn_up_exps.weight", (N_EXPERT, N_FF_EXP, N_EMBD), N_EMBD ** -0.5, True),
              (p + "ffn_down_exps.weight", (N_EXPERT, N_EMBD, N_FF_EXP), N_FF_EXP ** -0.5, True)]
    return t


def vocabulary(tiktoken: Path):
    tokens, types, merges = qwen_vocab(tiktoken, keep=10 ** 9)  # every rank
    if len(tokens) > N_VOCAB:
        sys.exit(f"the vocabulary has {len(tokens)} tokens, more than the {N_VOCAB} embedding rows")
    # Padding rows as a Hugging Face conversion writes them: unused tokens that the tokenizer never produces.
    for i in range(len(tokens), N_VOCAB):
        tokens.append(f"[PAD{i}]")
        types.append(gguf.TokenType.UNUSED)
    return tokens, types, merges


def open_writer(path: Path, qt: QT, vocab) -> gguf.GGUFWriter:
    tokens, types, merges = vocab
    w = gguf.GGUFWriter(str(path), "qwen3moe")
    w.add_name(VERSION)
    w.add_quantization_version(gguf.GGML_QUANT_VERSION)
    w.add_file_type(FILE_TYPES[qt])
    w.add_context_length(CONTEXT)
    w.add_embedding_length(N_EMBD)
    w.add_block_count(N_LAYER)
    w.add_head_count(N_HEAD)
    w.add_head_count_kv(N_KV)
    w.add_key_length(HEAD_DIM)
    w.add_value_length(HEAD_DIM)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_rope_freq_base(1e6)
    w.add_expert_count(N_EXPERT)
    w.add_expert_used_count(N_USED)
    w.add_expert_feed_forward_length(N_FF_EXP)
    w.add_expert_weights_norm(True)
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("qwen2")
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_merges(merges)
    eot = tokens.index("<|endoftext|>")
    w.add_bos_token_id(eot)
    w.add_eos_token_id(tokens.index("<|im_end|>"))
    w.add_pad_token_id(eot)
    w.add_add_bos_token(False)
    for name, shape, _, quantized in plan():
        tq = qt if quantized else QT.F32
        block, size = gguf.GGML_QUANT_SIZES[tq]
        byte_shape = (*shape[:-1], shape[-1] // block * size)
        nbytes = int(np.prod(byte_shape))
        if tq == QT.F32:
            w.add_tensor_info(name, shape, np.dtype(np.float32), nbytes)
        else:
            w.add_tensor_info(name, byte_shape, np.dtype(np.uint8), nbytes, raw_dtype=tq)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_ti_data_to_file()
    return w


def up_to_date(path: Path) -> bool:
    if not path.exists():
        return False
    try:
        reader = gguf.GGUFReader(str(path))  # maps the file; only the header is read
        field = reader.get_field("general.name")
        return field is not None and field.contents() == VERSION
    except Exception:  # a truncated or foreign file is simply rewritten
        return False


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=None, help="destination folder (default: the models folder)")
    ap.add_argument("--tiktoken", type=Path, default=None, help="qwen.tiktoken (default: from dashscope)")
    ap.add_argument("--check", action="store_true", help="only run the Q4_K self-check")
    args = ap.parse_args()
    check_q4_k()
    if args.check:
        return
    out = args.out or model_dir()
    todo = {qt: out / name for qt, name in FILES.items() if not up_to_date(out / name)}
    for qt, name in FILES.items():
        if qt not in todo:
            print(f"bench models: {out / name} is up to date")
    if not todo:
        return
    tiktoken = args.tiktoken or default_tiktoken()
    if tiktoken is None or not tiktoken.exists():
        sys.exit("qwen.tiktoken not found: pip install --no-deps dashscope==2.0.2 (make bench-models does), "
                 "or pass --tiktoken PATH")
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    vocab = vocabulary(tiktoken)
    print(f"bench models: vocabulary of {len(vocab[0])} tokens, {len(vocab[2])} merges "
          f"({time.perf_counter() - started:.0f} s)")
    partial = {qt: path.with_suffix(".gguf.partial") for qt, path in todo.items()}
    writers = {qt: open_writer(partial[qt], qt, vocab) for qt in todo}
    # One random draw per tensor feeds every file, so the Q8_0 and Q4_K models are the same network.
    rng = np.random.default_rng(20261129)
    for name, shape, std, quantized in plan():
        if not quantized:
            data = (1.0 + 0.1 * rng.standard_normal(shape, dtype=np.float32)) if std == 0 \
                else std * rng.standard_normal(shape, dtype=np.float32)
        else:
            data = rng.standard_normal(shape, dtype=np.float32)
            data *= std
        for qt, w in writers.items():
            w.write_tensor_data(quantize(data, qt if quantized else QT.F32))
    for qt, w in writers.items():
        w.close()
        partial[qt].replace(todo[qt])  # atomic: a half-written file never sits under the real name
        print(f"bench models: wrote {todo[qt]} ({todo[qt].stat().st_size / 1e9:.2f} GB)")
    print(f"bench models: done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
