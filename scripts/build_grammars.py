#!/usr/bin/env python3
"""Download the pinned tree-sitter grammar sdist from PyPI and compile one shared library per language.

Usage: scripts/build_grammars.py [--out DIR] [--jobs N]

The output folder (default $QUORUM_GRAMMAR_DIR or ~/.cache/quorum/grammars) receives, per language:
  <lang>/parser.so      the compiled grammar, exporting tree_sitter_<lang>
  <lang>/grammar.json   our manifest, and our *.scm queries (copied, so an installed daemon finds them)
  <lang>/.stamp         what the library was built from; a matching stamp makes the build a no-op
Nothing here is committed: the repository keeps only grammars/<lang>/grammar.json and our queries.
"""
import argparse
import concurrent.futures
import hashlib
import html.parser
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tarfile
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
GRAMMARS = ROOT / "grammars"
INDEX = os.environ.get("QUORUM_PYPI_SIMPLE", "https://pypi.org/simple")


def default_out() -> pathlib.Path:
    if os.environ.get("QUORUM_GRAMMAR_DIR"):
        return pathlib.Path(os.environ["QUORUM_GRAMMAR_DIR"])
    cache = os.environ.get("QUORUM_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "quorum")
    return pathlib.Path(cache) / "grammars"


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links += [v for k, v in attrs if k == "href"]


def sha256(path: pathlib.Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch_sdist(pin: dict, downloads: pathlib.Path) -> pathlib.Path:
    """Return the verified sdist, downloading it from PyPI's simple index when it is not cached."""
    downloads.mkdir(parents=True, exist_ok=True)
    target = downloads / pin["sdist"]
    if target.exists() and sha256(target) == pin["sha256"]:
        return target
    url = f"{INDEX}/{pin['package']}/"
    with urllib.request.urlopen(url, timeout=120) as r:
        parser = Links()
        parser.feed(r.read().decode())
    candidates = [l for l in parser.links if l.split("#")[0].endswith("/" + pin["sdist"])]
    if not candidates:
        sys.exit(f"error: {pin['sdist']} is not listed at {url}; check grammars/PIN.json")
    tmp = target.with_suffix(".part")
    with urllib.request.urlopen(candidates[0].split("#")[0], timeout=600) as r, open(tmp, "wb") as f:
        shutil.copyfileobj(r, f)
    got = sha256(tmp)
    if got != pin["sha256"]:
        tmp.unlink()
        sys.exit(f"error: {pin['sdist']} has sha256 {got}, expected {pin['sha256']} (grammars/PIN.json)")
    tmp.rename(target)
    return target


def compile_one(manifest: dict, src_root: pathlib.Path, out: pathlib.Path, stamp: str) -> str:
    name = manifest["name"]
    dest = out / name
    dest.mkdir(parents=True, exist_ok=True)
    # Our manifest and queries travel with the library, so an installed daemon needs no checkout.
    for f in (GRAMMARS / name).iterdir():
        if f.suffix in (".json", ".scm"):
            shutil.copy2(f, dest / f.name)
    stamp_file = dest / ".stamp"
    if (dest / "parser.so").exists() and stamp_file.exists() and stamp_file.read_text() == stamp:
        return f"{name}: up to date"
    src = src_root / manifest["parser"] / "src"
    sources = [src / "parser.c"] + ([src / "scanner.c"] if (src / "scanner.c").exists() else [])
    tmp = dest / "parser.so.part"
    # No TREE_SITTER_HIDE_SYMBOLS: it would hide the tree_sitter_<lang> entry point we dlsym.
    cmd = ["cc", "-O2", "-fPIC", "-shared", "-std=c11", "-w", "-I", str(src), "-o", str(tmp)] + \
          [str(s) for s in sources]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{name}: compiler failed:\n{proc.stderr[-4000:]}")
    tmp.rename(dest / "parser.so")
    stamp_file.write_text(stamp)
    return f"{name}: built"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=pathlib.Path, default=default_out())
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    pin = json.loads((GRAMMARS / "PIN.json").read_text())
    manifests = [json.loads(p.read_text()) for p in sorted(GRAMMARS.glob("*/grammar.json"))]
    out: pathlib.Path = args.out
    stamp = f"{pin['package']}=={pin['version']} {pin['sha256']}\n"

    stale = [m for m in manifests
             if not ((out / m["name"] / "parser.so").exists()
                     and (out / m["name"] / ".stamp").exists()
                     and (out / m["name"] / ".stamp").read_text() == stamp)]
    src_root = out / "src" / f"{pin['package']}-{pin['version']}"
    if stale and not src_root.exists():
        sdist = fetch_sdist(pin, out / "downloads")
        tmp = out / "src" / "unpack.part"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        with tarfile.open(sdist) as tar:
            members = [m for m in tar.getmembers() if "/parsers/" in m.name and not m.issym() and not m.islnk()]
            try:
                tar.extractall(tmp, members=members, filter="data")
            except TypeError:  # Python without extraction filters; the member list is already safe
                tar.extractall(tmp, members=members)
        (tmp / pin["sdist"].removesuffix(".tar.gz")).rename(src_root)
        shutil.rmtree(tmp, ignore_errors=True)

    failures = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(compile_one, m, src_root, out, stamp) for m in manifests]
        for fut in concurrent.futures.as_completed(futures):
            try:
                print(fut.result())
            except Exception as e:  # one broken grammar must not hide the others' results
                failures += 1
                print(f"error: {e}", file=sys.stderr)
    print(f"grammars in {out}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
