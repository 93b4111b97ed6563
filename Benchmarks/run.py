#!/usr/bin/env python3
"""`make bench`: Quorum side by side with its peers, in one run on this machine, printed as ratios,
and written to Benchmarks/RESULTS.md.

Sections: memory bandwidth (the decode roofline), the engine against llama.cpp (llama-cpp-python),
the index against universal-ctags, completion latency cold / warm / after restart.
A section whose Quorum side is not built yet says so instead of printing numbers.
"""
import argparse
import datetime
import json
import os
import pathlib
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
rows: list[dict] = []


def cpu_name() -> str:
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def timed(argv, env=None, cwd=None) -> tuple[float, float, str]:
    """Wall seconds and peak RSS (MB) of one child process, with its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=cwd)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} failed: {proc.stderr[-2000:]}")
    # ru_maxrss of children is the max over all children so far; run the biggest last or read /usr/bin/time.
    peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
    return wall, peak, proc.stdout


def peak_rss(argv, env=None, cwd=None) -> tuple[float, float, str]:
    """Like `timed`, but the peak RSS of this child alone, through GNU time when present."""
    if shutil.which("/usr/bin/time"):
        with tempfile.NamedTemporaryFile("r") as f:
            wall, _, out = timed(["/usr/bin/time", "-f", "%M", "-o", f.name] + list(map(str, argv)), env, cwd)
            return wall, int(f.read().strip().splitlines()[-1]) / 1024, out
    return timed(argv, env, cwd)


def record(section, metric, quorum, peer, peer_name, unit, higher_is_better):
    ratio = None
    if quorum is not None and peer:
        ratio = quorum / peer
    rows.append(dict(section=section, metric=metric, quorum=quorum, peer=peer, peer_name=peer_name, unit=unit,
                     ratio=ratio, better="higher" if higher_is_better else "lower"))
    q = "—" if quorum is None else f"{quorum:.2f}"
    p = "—" if peer is None else f"{peer:.2f}"
    r = "—" if ratio is None else f"{ratio:.2f}×"
    print(f"  {metric:<44} quorum {q:>10} {unit:<8} {peer_name} {p:>10}   ratio {r}  ({'higher' if higher_is_better else 'lower'} is better)")


def has_subcommand(quorum, name) -> bool:
    proc = subprocess.run([quorum, "--help"], capture_output=True, text=True)
    return any(line.strip().startswith(name + " ") or line.strip() == name for line in proc.stdout.splitlines())


def bandwidth(threads) -> float | None:
    exe = pathlib.Path(tempfile.gettempdir()) / "quorum-bandwidth"
    subprocess.run(["cc", "-O2", "-pthread", "-o", str(exe), str(HERE / "bandwidth.c")], check=True)
    out = subprocess.run([str(exe), str(threads)], capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])["read_gb_per_s"]


def bench_index(quorum, work: pathlib.Path):
    print("\n== index: quorum index vs ctags -R")
    if not has_subcommand(quorum, "index"):
        print("  not available yet: `quorum index` is not built")
        return
    ws = work / "workspace"
    subprocess.run([sys.executable, str(HERE / "make_workspace.py"), str(ws), "--files", "2000"], check=True,
                   capture_output=True)
    for name, tree in [("this repository", ROOT), ("generated 2,000-file workspace", ws)]:
        store = work / f"store-{abs(hash(str(tree)))}"
        shutil.rmtree(store, ignore_errors=True)
        q_wall, q_rss, _ = peak_rss([quorum, "index", str(tree), "--store", str(store), "--format", "json"])
        c_wall, c_rss, _ = peak_rss(["ctags", "-R", "-f", str(work / "tags"), str(tree)])
        record("index", f"full index, {name} (s)", q_wall, c_wall, "ctags", "s", False)
        record("index", f"peak memory, {name} (MB)", q_rss, c_rss, "ctags", "MB", False)


def bench_engine(quorum, models: list[pathlib.Path], threads: int, gbps: float | None):
    print("\n== engine: quorum bench vs llama.cpp (llama-cpp-python), pp512 / tg128")
    if not has_subcommand(quorum, "bench"):
        print("  not available yet: `quorum bench` is not built")
        return
    for model in models:
        if not model.exists():
            print(f"  {model.name}: not installed (make models)")
            continue
        argv = [quorum, "bench", "--model", str(model), "--pp", "512", "--tg", "128", "--threads", str(threads), "--json"]
        q = json.loads(subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1])
        try:
            p_out = subprocess.run([sys.executable, str(HERE / "peer_llama.py"), "--model", str(model),
                                    "--threads", str(threads)], capture_output=True, text=True, check=True).stdout
            p = json.loads(p_out.strip().splitlines()[-1])
        except (subprocess.CalledProcessError, json.JSONDecodeError) as e:
            print(f"  llama.cpp could not run {model.name}: {e}")
            p = {}
        record("engine", f"{model.name}: prompt processing", q["pp_tokens_per_s"], p.get("pp_tokens_per_s"), "llama.cpp", "tok/s", True)
        record("engine", f"{model.name}: generation", q["tg_tokens_per_s"], p.get("tg_tokens_per_s"), "llama.cpp", "tok/s", True)
        record("engine", f"{model.name}: peak RSS", q["peak_rss_mb"], p.get("peak_rss_mb"), "llama.cpp", "MB", False)
        if gbps and q.get("active_weight_bytes_per_token"):
            roof = gbps * 1e9 / q["active_weight_bytes_per_token"]
            record("engine", f"{model.name}: share of decode roofline ({roof:.0f} tok/s)",
                   q["tg_tokens_per_s"] / roof, (p.get("tg_tokens_per_s") or 0) / roof or None, "llama.cpp", "", True)


def write_results(meta):
    out = HERE / "RESULTS.md"
    lines = [f"# Benchmark results", "",
             f"Written by `make bench` on {meta['date']}: {meta['cpu']}, {meta['cores']} cores, "
             f"{meta['threads']} threads, memory read bandwidth {meta['gbps']} GB/s.", "",
             "| section | metric | Quorum | peer | peer value | ratio (Quorum/peer) | better |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        fmt = lambda v: "—" if v is None else f"{v:.2f}"
        lines.append(f"| {r['section']} | {r['metric']} | {fmt(r['quorum'])} {r['unit']} | {r['peer_name']} | "
                     f"{fmt(r['peer'])} {r['unit']} | {fmt(r['ratio'])} | {r['better']} |")
    out.write_text("\n".join(lines) + "\n")
    print(f"\nwritten to {out.relative_to(ROOT)}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quorum", default=str(ROOT / ".build/release/quorum"))
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--models", nargs="*", default=None)
    args = ap.parse_args()
    cache = pathlib.Path(os.environ.get("QUORUM_CACHE_DIR") or os.path.expanduser("~/.cache/quorum"))
    model_dir = pathlib.Path(os.environ.get("QUORUM_MODEL_DIR") or cache / "models")
    models = [pathlib.Path(m) for m in args.models] if args.models else [
        model_dir / "gemma3-270m-q4_k_m.gguf", model_dir / "bench-qwen3moe-q8_0.gguf", model_dir / "bench-qwen3moe-q4_k.gguf"]

    print("== machine")
    gbps = bandwidth(args.threads)
    print(f"  {cpu_name()}, {os.cpu_count()} cores; memory read bandwidth with {args.threads} threads: {gbps} GB/s")
    work = pathlib.Path(tempfile.mkdtemp(prefix="quorum-bench-"))
    try:
        bench_engine(args.quorum, models, args.threads, gbps)
        bench_index(args.quorum, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    write_results(dict(date=datetime.date.today().isoformat(), cpu=cpu_name(), cores=os.cpu_count(),
                       threads=args.threads, gbps=gbps))


if __name__ == "__main__":
    main()
