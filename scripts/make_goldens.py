#!/usr/bin/env python3
"""Records llama.cpp's answers on our tiny models (and Gemma 3 270M if present) as compact JSON goldens.

The Swift tests never run llama.cpp: they compare against what this script wrote to
Tests/InferenceTests/Goldens. Run it with a Python that has llama-cpp-python and gguf:

    /opt/peer-venv/bin/python scripts/make_goldens.py --models Tests/InferenceTests/Models \
        [--gemma ~/.cache/quorum/models/gemma3-270m-q4_k_m.gguf]

What is recorded, per model:
  * tokenization of a few hundred varied strings (with and without special-token parsing);
  * per prompt: llama.cpp's tokens, its greedy continuation, and for the teacher-forced sequence
    (prompt + continuation, evaluated as one batch) the top-k logits at every position plus the
    margin between its first and second logit, so tests can tell a real disagreement from a near tie.

llama.cpp runs with an f32 KV cache and 2 threads: its default f16 cache alone moves f32 logits by a few
hundredths (see notes/engine-parity.md).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from pathlib import Path

import numpy as np

try:
    import llama_cpp
except ImportError:
    sys.exit("make_goldens.py needs llama-cpp-python (pip install llama-cpp-python==0.3.36)")

TOP_K = 8
GGML_TYPE_F32 = 0

CODE_PROMPTS = [
    "def fibonacci(n):\n    \"\"\"Return the n-th Fibonacci number.\"\"\"\n    if n < 2:\n        return n\n",
    "func greet(_ name: String) -> String {\n    return \"Hello, \\(name)!\"\n}\n\nlet message = ",
    "#include <stdio.h>\n\nint main(int argc, char **argv) {\n    for (int i = 0; i < argc; i++) {\n",
    "fn parse(input: &str) -> Result<Vec<u32>, ParseIntError> {\n    input.split(',').map(|s| s.trim()",
    "const sum = (xs) => xs.reduce((a, b) => a + b, 0);\n// 计算平均值\nfunction mean(xs) {\n",
]
FIM = ("<|fim_prefix|>def add(a, b):\n    <|fim_suffix|>\n    return c\n<|fim_middle|>")


def tokenizer_strings(seed: int = 7) -> list[str]:
    """A few hundred strings covering what pre-tokenizers and BPE/SPM trip over."""
    fixed = [
        "", " ", "  ", "   ", "\n", "\n\n", " \n", "\t", "\t\t\n", "\r\n", " \r\n  x", "a", "Hello world",
        "hello  world", "Hello, World!", " leading space", "trailing space ", "x   \n  y", "   indented",
        "don't", "DON'T", "I'm we'll they've she'd it's", "'s 'S 'Ll", "123", "1234567", "3.14159",
        "x=1;y=22;z=333", "v2.0.1-beta", "0xDEADBEEF", "CamelCaseIdentifier", "snake_case_name",
        "SCREAMING_CASE", "a.b.c()", "foo->bar", "x += 1", "!==", "...", "?!?!", "((()))", "{}[]<>",
        "#!/usr/bin/env python3", "// comment", "/* block */", "<!-- html -->", "<div class=\"x\">",
        "naïve café résumé", "Ünïcödé", "Ελληνικά", "Русский текст", "עברית", "العربية", "हिन्दी",
        "中文字符", "日本語のテキスト", "한국어 텍스트", "混合 mixed 文本 text", "emoji 😀 🎉🚀", "👨‍👩‍👧‍👦",
        "🏳️‍🌈", "e\u0301", "\u00a0nbsp", "zero\u200bwidth", "tab\there", "ｆｕｌｌｗｉｄｔｈ", "①②③",
        "٣٤٥", "²³", "Ⅻ", "ß", "ǅ", "\u2581piece", "<0x41>", "<s>", "</s>", "<unk>", "<bos>", "<eos>",
        "<|endoftext|>", "<|im_start|>user\nhi<|im_end|>", "<|fim_prefix|>a<|fim_suffix|>b<|fim_middle|>",
        "<tool_call>{}</tool_call>", "<think>hmm</think>", "<|file_sep|>x.py", "<|repo_name|>quorum",
        "<start_of_turn>user\nhi<end_of_turn>", "<div>x</div>", "text<|endoftext|>more", "<|im_end",
        "    def f(self):\n        pass\n", "if (x) {\n\treturn;\n}\n", "\n\n\n\n", "a\n\n\nb", "  \n\n  ",
        "SELECT * FROM users WHERE id = 42;", "let x: [Int] = [1, 2, 3]", "x => x * 2", "λx. x",
        "$HOME/.cache", "C:\\Windows\\path", "https://example.com/a?b=c&d=e#f", "user@example.com",
        "1,000,000", "50%", "$9.99", "a-b_c.d/e", "🙂🙃", "🇫🇷", "\x00", "\x7f", "control\x01char",
    ]
    pool = [
        "def", " return", "    ", "\n", "\t", " ", "  ", "x", "Foo", "bar_baz", "123", "4", " 56", "(", ")",
        "{", "}", "[", "]", ";", ":", ",", ".", "'s", "'re", "'T", "\"", "'", "=", "==", "->", "::", "#",
        "//", "é", "ñ", "中", "文", "の", "😀", "🚀", "\u200d", "\r\n", "  \n", "...", "!", "?", "<", ">",
        "<|endoftext|>", "<|fim_middle|>", "<end_of_turn>", "\u2581", "Ω", "ß", "\u00a0", "0", "x1", "_",
    ]
    rng = random.Random(seed)
    generated = ["".join(rng.choice(pool) for _ in range(rng.randint(1, 12))) for _ in range(200)]
    for prompt in CODE_PROMPTS:
        generated.extend(prompt.splitlines(keepends=True))
        generated.append(prompt)
    return fixed + generated


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load(path: Path, n_ctx: int = 512, vocab_only: bool = False) -> llama_cpp.Llama:
    return llama_cpp.Llama(model_path=str(path), n_ctx=n_ctx, n_batch=n_ctx, n_ubatch=n_ctx, n_threads=2,
                           n_threads_batch=2, seed=1234, logits_all=True, type_k=GGML_TYPE_F32,
                           type_v=GGML_TYPE_F32, vocab_only=vocab_only, verbose=False)


def tokenize(llm: llama_cpp.Llama, text: str, add_special: bool, parse_special: bool) -> list[int]:
    return list(llm.tokenize(text.encode("utf-8"), add_bos=add_special, special=parse_special))


def tokenizer_golden(llm: llama_cpp.Llama, name: str, digest: str) -> dict:
    cases = []
    for text in tokenizer_strings():
        case = {"text": text, "ids": tokenize(llm, text, True, False)}
        special = tokenize(llm, text, True, True)
        if special != case["ids"]:
            case["special_ids"] = special
        cases.append(case)
    return {"model": name, "sha256": digest, "add_special": True, "cases": cases}


def logits_of(llm: llama_cpp.Llama, tokens: list[int]) -> np.ndarray:
    """[n_tokens, n_vocab]: one batch, as a prompt would be evaluated."""
    llm.reset()
    llm.eval(tokens)
    return np.array(llm.scores[: len(tokens)], dtype=np.float32)


def greedy(llm: llama_cpp.Llama, prompt: list[int], n: int, stop: set[int]) -> list[int]:
    llm.reset()
    llm.eval(prompt)
    out: list[int] = []
    for _ in range(n):
        nxt = int(np.argmax(llm.scores[llm.n_tokens - 1]))
        out.append(nxt)
        if nxt in stop:
            break
        llm.eval([nxt])
    return out


def position_record(row: np.ndarray) -> dict:
    top = np.argsort(-row, kind="stable")[:TOP_K]
    return {"top": [[int(i), round(float(row[i]), 4)] for i in top],
            "margin": round(float(row[top[0]] - row[top[1]]), 4)}


def logits_golden(llm: llama_cpp.Llama, name: str, digest: str, prompts: list[str], n_gen: int) -> dict:
    stop = {llm.token_eos()}
    records = []
    for text in prompts:
        prompt = tokenize(llm, text, True, True)
        cont = greedy(llm, prompt, n_gen, stop)
        seq = prompt + cont
        rows = logits_of(llm, seq)
        records.append({"text": text, "tokens": prompt, "greedy": cont,
                        "positions": [position_record(r) for r in rows]})
    return {"model": name, "sha256": digest, "top_k": TOP_K, "kv": "f32", "prompts": records}


def write(out: Path, name: str, data: dict) -> None:
    path = out / name
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"wrote {path} ({path.stat().st_size} bytes)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", type=Path, required=True, help="folder of make_tiny_models.py output")
    ap.add_argument("--out", type=Path, default=Path("Tests/InferenceTests/Goldens"))
    ap.add_argument("--gemma", type=Path, default=None, help="Gemma 3 270M Q4_K_M GGUF (optional)")
    ap.add_argument("--only", default=None, help="only tiny models whose name contains this")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    tiny = sorted(p for p in args.models.glob("tiny-*.gguf") if args.only is None or args.only in p.name)
    if not tiny:
        sys.exit(f"no tiny-*.gguf in {args.models}: run scripts/make_tiny_models.py first")
    for path in tiny:
        stem = path.stem
        llm = load(path)
        digest = sha256(path)
        if stem in ("tiny-qwen3moe-f32", "tiny-gemma3-f32"):  # one tokenizer golden per vocabulary
            write(args.out, f"{stem.removesuffix('-f32').removesuffix('moe')}.tokens.json", tokenizer_golden(llm, path.name, digest))
        prompts = CODE_PROMPTS + ([FIM] if "qwen" in stem else [])
        write(args.out, f"{stem}.logits.json", logits_golden(llm, path.name, digest, prompts, 16))
        del llm

    if args.gemma and args.gemma.exists():
        llm = load(args.gemma, n_ctx=512)
        digest = sha256(args.gemma)
        write(args.out, "gemma3-270m.tokens.json", tokenizer_golden(llm, args.gemma.name, digest))
        write(args.out, "gemma3-270m.logits.json", logits_golden(llm, args.gemma.name, digest, CODE_PROMPTS, 24))


if __name__ == "__main__":
    main()
