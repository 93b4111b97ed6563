#!/usr/bin/env python3
"""Writes tiny random-weight GGUF models of each architecture the engine supports.

The models exist to check our forward pass and tokenizers against llama.cpp (scripts/make_goldens.py):
their weights are random, so only agreement with the peer means anything, never the text they write.

The Qwen-family models carry a real but truncated Qwen vocabulary, converted from the byte-level BPE
ranks in `qwen.tiktoken` the way a Hugging Face conversion would see it:
  * every rank's bytes become a token string through the GPT-2 byte->unicode map;
  * the merges are recovered by re-running BPE on each token's bytes, allowing only lower ranks,
    which must end in exactly two parts (those two parts are the merge);
  * the Qwen3 added tokens follow the last kept rank.
Truncating to the first N ranks keeps a valid vocabulary, since a rank's parts always have lower ranks.

The Gemma 3 model carries a small synthetic SentencePiece vocabulary with Gemma's conventions
(control tokens first, BOS 2, EOS 1, byte-fallback tokens, user-defined newline runs, scores).

Models: qwen3moe (f32, Q8_0, and Q4_K_M quantized by llama.cpp's own quantizer, since gguf-py has no
K-quant quantizer; skipped without llama-cpp-python), qwen3 (f32, and with YaRN), qwen2 (f32), gemma3 (f32, Q8_0).
Output is deterministic, so the files are regenerated at set-up (`make models`) and checked against the committed
Tests/InferenceTests/Models/SHA256SUMS; after changing this script, regenerate the checksums and the goldens together:

    /opt/peer-venv/bin/python scripts/make_tiny_models.py Tests/InferenceTests/Models

Usage: make_tiny_models.py OUT_DIR [--tiktoken PATH] [--ranks N]
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import os
import sys
from pathlib import Path

import numpy as np

try:
    import gguf
    from gguf import GGMLQuantizationType as QT
    from gguf import TokenType
except ImportError:  # pragma: no cover - explained to the user
    sys.exit("make_tiny_models.py needs the `gguf` package (pip install gguf==0.19.0)")

# Qwen3's added tokens in id order; the ones spelled <|...|> are control tokens, the others
# (<tool_call>, <think>, ...) are user-defined, as a conversion from tokenizer_config.json marks them.
QWEN3_ADDED = [
    "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|object_ref_start|>", "<|object_ref_end|>",
    "<|box_start|>", "<|box_end|>", "<|quad_start|>", "<|quad_end|>", "<|vision_start|>",
    "<|vision_end|>", "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>", "<tool_call>", "</tool_call>",
    "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|fim_pad|>", "<|repo_name|>",
    "<|file_sep|>", "<tool_response>", "</tool_response>", "<think>", "</think>",
]


def byte_to_unicode() -> dict[int, str]:
    """GPT-2's reversible map from bytes to printable code points (printable bytes map to themselves)."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAC + 1)) + list(range(0xAE, 0xFF + 1))
    mapping = {b: chr(b) for b in keep}
    extra = 0
    for b in range(256):
        if b not in mapping:
            mapping[b] = chr(256 + extra)
            extra += 1
    return mapping


B2U = byte_to_unicode()


def to_token_string(raw: bytes) -> str:
    return "".join(B2U[b] for b in raw)


def load_tiktoken(path: Path) -> dict[bytes, int]:
    ranks: dict[bytes, int] = {}
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        token, rank = line.split()
        ranks[base64.b64decode(token)] = int(rank)
    return ranks


def split_by_lower_ranks(ranks: dict[bytes, int], token: bytes, limit: int) -> list[bytes]:
    """Runs byte-level BPE on `token`, merging only pairs whose rank is below `limit`."""
    parts = [bytes([b]) for b in token]
    while len(parts) > 1:
        best, best_rank = -1, limit
        for i in range(len(parts) - 1):
            r = ranks.get(parts[i] + parts[i + 1])
            if r is not None and r < best_rank:
                best, best_rank = i, r
        if best < 0:
            break
        parts[best:best + 2] = [parts[best] + parts[best + 1]]
    return parts


def qwen_vocab(tiktoken: Path, keep: int):
    """Returns (tokens, types, merges) for the first `keep` ranks plus the Qwen3 added tokens."""
    ranks = load_tiktoken(tiktoken)
    by_rank = sorted(ranks.items(), key=lambda kv: kv[1])[:keep]
    tokens, types, merges = [], [], []
    for raw, rank in by_rank:
        tokens.append(to_token_string(raw))
        types.append(TokenType.NORMAL)
        if len(raw) == 1:
            continue
        parts = split_by_lower_ranks(ranks, raw, rank)
        if len(parts) != 2:
            raise SystemExit(f"rank {rank} does not split into two lower-ranked parts: {parts}")
        merges.append(f"{to_token_string(parts[0])} {to_token_string(parts[1])}")
    for name in QWEN3_ADDED:
        tokens.append(name)
        control = name.startswith("<|") and name.endswith("|>")
        types.append(TokenType.CONTROL if control else TokenType.USER_DEFINED)
    return tokens, types, merges


def gemma_vocab(tiktoken: Path, pieces: int):
    """A synthetic SentencePiece vocabulary laid out like Gemma's: controls, user-defined, bytes, pieces."""
    tokens = ["<pad>", "<eos>", "<bos>", "<unk>", "<mask>", "<start_of_turn>", "<end_of_turn>"]
    types = [TokenType.CONTROL] * len(tokens)
    for user in ["\n", "\n\n", "\n\n\n", "\t", "\t\t", "    ", "        ", "<div>", "</div>"]:
        tokens.append(user)
        types.append(TokenType.USER_DEFINED)
    for b in range(256):
        tokens.append(f"<0x{b:02X}>")
        types.append(TokenType.BYTE)
    scores = [0.0] * len(tokens)
    # Pieces: Qwen's BPE tokens that are whole UTF-8 text, with the space written as U+2581 as in
    # SentencePiece; the BPE rank stands in for the unigram log-probability (lower rank, higher score).
    seen = set(tokens)
    limit = len(tokens) + pieces
    for raw, rank in sorted(load_tiktoken(tiktoken).items(), key=lambda kv: kv[1]):
        if len(tokens) >= limit:
            break
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        piece = text.replace(" ", "\u2581")
        if not piece or piece in seen or "\n" in piece or "\t" in piece:
            continue
        seen.add(piece)
        tokens.append(piece)
        types.append(TokenType.NORMAL)
        scores.append(-float(rank))
    return tokens, types, scores


class Weights:
    """Seeded random tensors; `quant` picks the type of the 2-D matrices (norms and biases stay f32)."""

    def __init__(self, writer: gguf.GGUFWriter, seed: int, quant: QT):
        self.w, self.rng, self.quant = writer, np.random.default_rng(seed), quant

    def norm(self, name: str, n: int, center: float = 1.0):
        self.w.add_tensor(name, (center + 0.1 * self.rng.standard_normal(n)).astype(np.float32))

    def bias(self, name: str, n: int):
        self.w.add_tensor(name, (0.1 * self.rng.standard_normal(n)).astype(np.float32))

    def matrix(self, name: str, shape: tuple[int, ...], std: float, quant: QT | None = None):
        """`shape` is numpy order: [..., rows, cols]; GGUF stores it reversed, cols first."""
        data = (std * self.rng.standard_normal(shape)).astype(np.float32)
        qt = quant or self.quant
        if qt == QT.F32:
            self.w.add_tensor(name, data)
        else:
            self.w.add_tensor(name, gguf.quants.quantize(data, qt), raw_dtype=qt)


def add_qwen_tokenizer(w: gguf.GGUFWriter, vocab):
    tokens, types, merges = vocab
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("qwen2")
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_merges(merges)
    eot = tokens.index("<|endoftext|>")
    w.add_bos_token_id(eot)
    w.add_eos_token_id(eot)
    w.add_pad_token_id(eot)
    w.add_add_bos_token(False)


def write_qwen(path: Path, arch: str, vocab, quant: QT, seed: int, yarn: bool = False, wide: bool = False):
    """qwen2 (QKV bias), qwen3 (QK-norm) and qwen3moe (QK-norm + routed experts), same skeleton.
    With `yarn`, RoPE is stretched 4x over an original context of 32, so short prompts exercise YaRN.
    With `wide`, every row is 256 values (K-quants need that) and there are 4 experts, so that the file
    stays small once llama.cpp quantizes it to Q4_K_M."""
    # Qwen3 decouples the head size from n_embd / n_head (as Qwen3-Coder does); qwen2 cannot.
    n_vocab, n_embd, n_layer, n_head, n_kv = len(vocab[0]), 64, 2, 4, 2
    head_dim = 16 if arch == "qwen2" else 32
    n_ff, n_expert, n_used, n_ff_exp = 128, 8, 2, 64
    if wide:
        n_embd, head_dim, n_expert, n_ff_exp = 256, 64, 4, 256
    w = gguf.GGUFWriter(str(path), arch)
    w.add_name(f"tiny-{arch}")
    w.add_context_length(256)
    w.add_embedding_length(n_embd)
    w.add_block_count(n_layer)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_kv)
    w.add_key_length(head_dim)
    w.add_value_length(head_dim)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_rope_freq_base(1e6)
    if yarn:
        w.add_rope_scaling_type(gguf.RopeScalingType.YARN)
        w.add_rope_scaling_factor(4.0)
        w.add_rope_scaling_orig_ctx_len(32)
    if arch == "qwen3moe":
        w.add_expert_count(n_expert)
        w.add_expert_used_count(n_used)
        w.add_expert_feed_forward_length(n_ff_exp)
        w.add_expert_weights_norm(True)
    else:
        w.add_feed_forward_length(n_ff)
    w.add_file_type(gguf.LlamaFileType.ALL_F32 if quant == QT.F32 else gguf.LlamaFileType.MOSTLY_Q8_0)
    add_qwen_tokenizer(w, vocab)

    t = Weights(w, seed, quant)
    t.matrix("token_embd.weight", (n_vocab, n_embd), 1.0)
    t.norm("output_norm.weight", n_embd)
    if arch == "qwen3moe":  # Qwen3-Coder's output is untied; the dense twins exercise the tied path.
        t.matrix("output.weight", (n_vocab, n_embd), 0.5)
    for i in range(n_layer):
        p = f"blk.{i}."
        t.norm(p + "attn_norm.weight", n_embd)
        t.matrix(p + "attn_q.weight", (n_head * head_dim, n_embd), 0.3)
        t.matrix(p + "attn_k.weight", (n_kv * head_dim, n_embd), 0.3)
        t.matrix(p + "attn_v.weight", (n_kv * head_dim, n_embd), 0.3)
        if arch == "qwen2":
            t.bias(p + "attn_q.bias", n_head * head_dim)
            t.bias(p + "attn_k.bias", n_kv * head_dim)
            t.bias(p + "attn_v.bias", n_kv * head_dim)
        else:
            t.norm(p + "attn_q_norm.weight", head_dim)
            t.norm(p + "attn_k_norm.weight", head_dim)
        t.matrix(p + "attn_output.weight", (n_embd, n_head * head_dim), 0.2)
        t.norm(p + "ffn_norm.weight", n_embd)
        if arch == "qwen3moe":
            t.matrix(p + "ffn_gate_inp.weight", (n_expert, n_embd), 0.5, quant=QT.F32)
            t.matrix(p + "ffn_gate_exps.weight", (n_expert, n_ff_exp, n_embd), 0.2)
            t.matrix(p + "ffn_up_exps.weight", (n_expert, n_ff_exp, n_embd), 0.2)
            t.matrix(p + "ffn_down_exps.weight", (n_expert, n_embd, n_ff_exp), 0.2)
        else:
            t.matrix(p + "ffn_gate.weight", (n_ff, n_embd), 0.2)
            t.matrix(p + "ffn_up.weight", (n_ff, n_embd), 0.2)
            t.matrix(p + "ffn_down.weight", (n_embd, n_ff), 0.2)
    finish(w)


def write_gemma3(path: Path, vocab, quant: QT, seed: int):
    """Six layers so that layer 5 is global and 0-4 slide; a window of 8 so short prompts feel it."""
    tokens, types, scores = vocab
    n_vocab, n_embd, n_layer, n_head, n_kv, head_dim, n_ff = len(tokens), 64, 6, 4, 1, 32, 128
    w = gguf.GGUFWriter(str(path), "gemma3")
    w.add_name("tiny-gemma3")
    w.add_context_length(256)
    w.add_embedding_length(n_embd)
    w.add_block_count(n_layer)
    w.add_feed_forward_length(n_ff)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_kv)
    w.add_key_length(head_dim)
    w.add_value_length(head_dim)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_rope_freq_base(1e6)
    w.add_sliding_window(8)
    w.add_file_type(gguf.LlamaFileType.ALL_F32 if quant == QT.F32 else gguf.LlamaFileType.MOSTLY_Q8_0)
    w.add_tokenizer_model("llama")
    w.add_tokenizer_pre("default")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(2)
    w.add_eos_token_id(1)
    w.add_unk_token_id(3)
    w.add_pad_token_id(0)
    w.add_add_bos_token(True)
    w.add_add_eos_token(False)
    w.add_add_space_prefix(False)

    t = Weights(w, seed, quant)
    t.matrix("token_embd.weight", (n_vocab, n_embd), 0.2)  # tied output; scaled by sqrt(n_embd) on input
    t.norm("output_norm.weight", n_embd)
    for i in range(n_layer):
        p = f"blk.{i}."
        t.norm(p + "attn_norm.weight", n_embd)
        t.matrix(p + "attn_q.weight", (n_head * head_dim, n_embd), 0.3)
        t.matrix(p + "attn_k.weight", (n_kv * head_dim, n_embd), 0.3)
        t.matrix(p + "attn_v.weight", (n_kv * head_dim, n_embd), 0.3)
        t.norm(p + "attn_q_norm.weight", head_dim)
        t.norm(p + "attn_k_norm.weight", head_dim)
        t.matrix(p + "attn_output.weight", (n_embd, n_head * head_dim), 0.2)
        t.norm(p + "post_attention_norm.weight", n_embd)
        t.norm(p + "ffn_norm.weight", n_embd)
        t.matrix(p + "ffn_gate.weight", (n_ff, n_embd), 0.2)
        t.matrix(p + "ffn_up.weight", (n_ff, n_embd), 0.2)
        t.matrix(p + "ffn_down.weight", (n_embd, n_ff), 0.2)
        t.norm(p + "post_ffw_norm.weight", n_embd)
    finish(w)


def quantize_with_llama_cpp(src: Path, dst: Path, ftype: int) -> bool:
    """K-quants need llama.cpp's quantizer (gguf-py has none): llama_model_quantize, as llama-quantize runs it."""
    try:
        import ctypes
        import llama_cpp
    except ImportError:
        print(f"skipping {dst.name}: llama-cpp-python is not installed", file=sys.stderr)
        return False
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = ftype
    params.nthread = 2
    rc = llama_cpp.llama_model_quantize(str(src).encode(), str(dst).encode(), ctypes.byref(params))
    if rc != 0:
        sys.exit(f"llama_model_quantize failed ({rc}) for {dst}")
    return True


def write_q4_k_m(path: Path, vocab, seed: int):
    """qwen3moe at Qwen3-Coder's usual quantization: Q4_K_M, i.e. mostly Q4_K with Q6_K for some tensors."""
    tmp = path.with_suffix(".f32.tmp")
    write_qwen(tmp, "qwen3moe", vocab, QT.F32, seed, wide=True)
    ok = quantize_with_llama_cpp(tmp, path, 15)  # LLAMA_FTYPE_MOSTLY_Q4_K_M
    tmp.unlink()
    return ok


def finish(w: gguf.GGUFWriter):
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def default_tiktoken() -> Path | None:
    """dashscope ships qwen.tiktoken; find it without importing dashscope (its imports need aiohttp)."""
    import importlib.util
    spec = importlib.util.find_spec("dashscope")
    if spec and spec.submodule_search_locations:
        p = Path(list(spec.submodule_search_locations)[0]) / "resources" / "qwen.tiktoken"
        if p.exists():
            return p
    return None


MODELS = [  # (file name, writer)
    ("tiny-qwen3moe-f32.gguf", lambda out, qv, gv: write_qwen(out, "qwen3moe", qv, QT.F32, 1)),
    ("tiny-qwen3moe-q8_0.gguf", lambda out, qv, gv: write_qwen(out, "qwen3moe", qv, QT.Q8_0, 1)),
    ("tiny-qwen3moe-q4_k_m.gguf", lambda out, qv, gv: write_q4_k_m(out, qv, 6)),
    ("tiny-qwen3-f32.gguf", lambda out, qv, gv: write_qwen(out, "qwen3", qv, QT.F32, 2)),
    ("tiny-qwen3-yarn-f32.gguf", lambda out, qv, gv: write_qwen(out, "qwen3", qv, QT.F32, 5, yarn=True)),
    ("tiny-qwen2-f32.gguf", lambda out, qv, gv: write_qwen(out, "qwen2", qv, QT.F32, 3)),
    ("tiny-gemma3-f32.gguf", lambda out, qv, gv: write_gemma3(out, gv, QT.F32, 4)),
    ("tiny-gemma3-q8_0.gguf", lambda out, qv, gv: write_gemma3(out, gv, QT.Q8_0, 4)),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--tiktoken", type=Path, default=None, help="qwen.tiktoken (default: from dashscope)")
    ap.add_argument("--ranks", type=int, default=1800, help="Qwen BPE ranks to keep")
    args = ap.parse_args()
    tiktoken = args.tiktoken or default_tiktoken()
    if tiktoken is None or not tiktoken.exists():
        sys.exit("qwen.tiktoken not found: pip install --no-deps dashscope==2.0.2, or pass --tiktoken PATH")
    args.out.mkdir(parents=True, exist_ok=True)
    qv = qwen_vocab(tiktoken, args.ranks)
    gv = gemma_vocab(tiktoken, args.ranks)
    for name, write in MODELS:
        path = args.out / name
        if write(path, qv, gv) is False:
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        print(f"{name}\t{os.path.getsize(path)}\t{digest}")


if __name__ == "__main__":
    main()
