#!/usr/bin/env python3
"""The peer side of the engine benchmark: llama.cpp (through llama-cpp-python) on one GGUF file.

Prints the same JSON shape as `quorum bench --json` (the figures llama.cpp has):
{"pp_tokens_per_s": …, "tg_tokens_per_s": …, "peak_rss_mb": …}
One warm-up, then the median of `--repeats` runs, like our side: the same 512-token prompt in one batch
(llama.cpp's n_batch = n_ubatch = pp, as llama-bench does), then `--tg` greedy steps of one token each.
Peak RSS is this Python process's, so it includes the interpreter and numpy (about 40 MB).
"""
import argparse
import json
import resource
import statistics
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--pp", type=int, default=512)
    ap.add_argument("--tg", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()

    import llama_cpp  # imported late so `--help` works without it
    import numpy as np

    llm = llama_cpp.Llama(model_path=args.model, n_ctx=args.pp + args.tg + 16, n_batch=args.pp,
                          n_ubatch=args.pp, n_threads=args.threads, n_threads_batch=args.threads,
                          logits_all=False, verbose=False, seed=1)
    vocab = llm.n_vocab()
    # A fixed, non-degenerate prompt of exactly `pp` tokens: ids spread over the vocabulary.
    prompt = [(i * 7919 + 13) % (vocab - 300) + 100 for i in range(args.pp)]

    def last_logits():
        # Without logits_all, llama-cpp-python 0.3.36 no longer copies logits into `llm.scores` (it stays
        # zero, so its argmax would always be token 0): read the context's logits of the last token instead.
        return np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(vocab,))

    def run_once():
        llm.reset()
        llm._ctx.kv_cache_clear()
        t = time.perf_counter()
        llm.eval(prompt)
        pp = args.pp / (time.perf_counter() - t)
        t = time.perf_counter()
        token = int(last_logits().argmax())
        for _ in range(args.tg):
            llm.eval([token])
            token = int(last_logits().argmax())
        tg = args.tg / (time.perf_counter() - t)
        return pp, tg

    run_once()  # warm-up
    runs = [run_once() for _ in range(args.repeats)]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"pp_tokens_per_s": statistics.median(r[0] for r in runs),
                      "tg_tokens_per_s": statistics.median(r[1] for r in runs),
                      "peak_rss_mb": round(peak, 1)}))


if __name__ == "__main__":
    sys.exit(main())
