#!/usr/bin/env python3
"""Writes the small GGUF fixtures the GGUF and Kernels tests read, with gguf-py as the independent reference.

Run with the peer venv (gguf==0.19.0, numpy):
    /opt/peer-venv/bin/python scripts/gguf_make_fixtures.py [OUT_DIR]
OUT_DIR defaults to Tests/GGUFTests/Fixtures. It writes:
  types.gguf         one 4x512 tensor per supported type, plus metadata of every GGUF value type
  types.dequant.f32  what gguf.quants.dequantize gives for each tensor, concatenated little-endian f32
  types.json         per tensor: name, type, shape, element offset into types.dequant.f32, and where
                     gguf-py's reader finds its bytes in types.gguf
  tiny-moe.gguf      a tiny qwen3moe-shaped model (random weights) for `quorum model info` parameter counts
  tiny-moe.json      the parameter counts the tests expect
The output is deterministic (fixed seed), so re-running it changes nothing unless gguf-py changes.
"""
import json
import os
import sys

import numpy as np
import gguf
from gguf import GGMLQuantizationType as T

ROWS, COLS = 4, 512
rng = np.random.default_rng(20261129)

# Types gguf-py can quantize: we quantize random floats with it.
QUANTIZABLE = [T.F32, T.F16, T.BF16, T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1, T.Q8_0]
# K-quants gguf-py can only dequantize: we write random blocks with sane scale fields and let it dequantize.
# Offsets of the f16 scale fields inside each block (see qk_blocks.h).
K_SCALE_FIELDS = {T.Q4_K: [0, 2], T.Q5_K: [0, 2], T.Q6_K: [208]}


def quantized(qtype):
    data = rng.standard_normal((ROWS, COLS), dtype=np.float32)
    if qtype == T.F32:
        return data
    if qtype == T.F16:
        return data.astype(np.float16)
    return gguf.quants.quantize(data, qtype)


def random_blocks(qtype):
    block, size = gguf.GGML_QUANT_SIZES[qtype]
    nblocks = ROWS * COLS // block
    raw = rng.integers(0, 256, size=(nblocks, size), dtype=np.uint8)
    for off in K_SCALE_FIELDS[qtype]:
        # Random bytes would include NaN/Inf halves; real scales are small positive numbers.
        scale = rng.uniform(0.001, 0.05, size=nblocks).astype(np.float16)
        raw[:, off:off + 2] = scale.view(np.uint8).reshape(nblocks, 2)
    return raw.reshape(ROWS, COLS // block * size)


def write_types(out):
    path = os.path.join(out, "types.gguf")
    w = gguf.GGUFWriter(path, "fixture")
    w.add_name("quorum type fixture")
    # One key per value type, plus arrays and a nested array, so the reader's every branch is exercised.
    V = gguf.GGUFValueType
    meta = [
        ("test.u8", 200, V.UINT8), ("test.i8", -100, V.INT8), ("test.u16", 60000, V.UINT16),
        ("test.i16", -30000, V.INT16), ("test.u32", 4000000000, V.UINT32), ("test.i32", -2000000000, V.INT32),
        ("test.u64", 2**63 + 5, V.UINT64), ("test.i64", -(2**62), V.INT64), ("test.f32", 1.5, V.FLOAT32),
        ("test.f64", -2.25, V.FLOAT64), ("test.bool", True, V.BOOL), ("test.string", "héllo ✓", V.STRING),
    ]
    for key, value, vtype in meta:
        w.add_key_value(key, value, vtype)
    w.add_array("test.strings", ["a", "bc", ""])
    w.add_key_value("test.floats", [0.5, -1.0, 3.25], V.ARRAY, sub_type=V.FLOAT32)
    w.add_key_value("test.ints", [1, -2, 3], V.ARRAY, sub_type=V.INT32)
    w.add_array("test.nested", [[1, 2], [3], [4, 5, 6]])

    manifest, expected, offset = [], [], 0
    for qtype in QUANTIZABLE + list(K_SCALE_FIELDS):
        data = quantized(qtype) if qtype in QUANTIZABLE else random_blocks(qtype)
        name = f"t.{qtype.name.lower()}"
        if qtype in (T.F32, T.F16):
            w.add_tensor(name, data)
        else:
            w.add_tensor(name, data, raw_dtype=qtype)
        values = data.astype(np.float32) if qtype in (T.F32, T.F16) else gguf.quants.dequantize(data, qtype)
        values = np.ascontiguousarray(values, dtype="<f4").reshape(-1)
        manifest.append({"name": name, "type": qtype.name, "type_id": int(qtype), "shape": [COLS, ROWS],
                         "offset": offset, "count": int(values.size)})
        expected.append(values)
        offset += values.size

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    np.concatenate(expected).tofile(os.path.join(out, "types.dequant.f32"))
    # Where gguf-py's own reader finds each tensor, so tests can slice the raw bytes without our reader
    # (Kernels tests must not depend on the GGUF module) and check that our reader agrees.
    reader = gguf.GGUFReader(path)
    placed = {t.name: (int(t.data_offset), int(t.n_bytes)) for t in reader.tensors}
    for entry in manifest:
        entry["file_offset"], entry["byte_count"] = placed[entry["name"]]
    with open(os.path.join(out, "types.json"), "w") as f:
        json.dump({"tensors": manifest, "rows": ROWS, "cols": COLS}, f, indent=1)
        f.write("\n")


def write_tiny_moe(out):
    """A qwen3moe-shaped model: 2 layers, 4 experts with 2 used; counts below are what `model info` must print."""
    n_embd, n_vocab, n_layer, n_head, n_kv, head_dim, n_exp, n_used, n_ff_exp = 64, 96, 2, 4, 2, 16, 4, 2, 32
    path = os.path.join(out, "tiny-moe.gguf")
    w = gguf.GGUFWriter(path, "qwen3moe")
    w.add_name("tiny-moe")
    w.add_context_length(256)
    w.add_embedding_length(n_embd)
    w.add_block_count(n_layer)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_kv)
    w.add_key_length(head_dim)
    w.add_value_length(head_dim)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_expert_count(n_exp)
    w.add_expert_used_count(n_used)
    w.add_expert_feed_forward_length(n_ff_exp)
    w.add_tokenizer_model("gpt2")
    w.add_token_list([f"t{i}" for i in range(n_vocab)])

    total = active = 0

    def add(name, shape, qtype=T.F32, expert=False):
        # shape is numpy order (outermost first); GGUF stores it reversed.
        nonlocal total, active
        data = rng.standard_normal(shape, dtype=np.float32) * 0.02
        if qtype == T.F32:
            w.add_tensor(name, data)
        else:
            w.add_tensor(name, gguf.quants.quantize(data, qtype), raw_dtype=qtype)
        total += data.size
        active += data.size * n_used // n_exp if expert else data.size

    add("token_embd.weight", (n_vocab, n_embd), T.Q8_0)
    for i in range(n_layer):
        add(f"blk.{i}.attn_norm.weight", (n_embd,))
        add(f"blk.{i}.attn_q.weight", (n_head * head_dim, n_embd), T.Q8_0)
        add(f"blk.{i}.attn_k.weight", (n_kv * head_dim, n_embd), T.Q8_0)
        add(f"blk.{i}.attn_v.weight", (n_kv * head_dim, n_embd), T.Q8_0)
        add(f"blk.{i}.attn_output.weight", (n_embd, n_head * head_dim), T.Q8_0)
        add(f"blk.{i}.attn_q_norm.weight", (head_dim,))
        add(f"blk.{i}.attn_k_norm.weight", (head_dim,))
        add(f"blk.{i}.ffn_norm.weight", (n_embd,))
        add(f"blk.{i}.ffn_gate_inp.weight", (n_exp, n_embd))
        add(f"blk.{i}.ffn_gate_exps.weight", (n_exp, n_ff_exp, n_embd), T.Q8_0, expert=True)
        add(f"blk.{i}.ffn_up_exps.weight", (n_exp, n_ff_exp, n_embd), T.Q8_0, expert=True)
        add(f"blk.{i}.ffn_down_exps.weight", (n_exp, n_embd, n_ff_exp), T.Q8_0, expert=True)
    add("output_norm.weight", (n_embd,))
    add("output.weight", (n_vocab, n_embd), T.Q8_0)

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    with open(os.path.join(out, "tiny-moe.json"), "w") as f:
        json.dump({"total_parameters": total, "active_parameters": active}, f, indent=1)
        f.write("\n")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "Tests", "GGUFTests", "Fixtures")
    os.makedirs(out, exist_ok=True)
    write_types(out)
    write_tiny_moe(out)


if __name__ == "__main__":
    main()
