"""How the release binary is linked, which the index and start-up speed rely on (Makefile RELEASE_FLAGS, Package.swift):
the Swift runtime and Foundation are inside it, not shared libraries, and every malloc in the process goes to
mimalloc, because libmimalloc comes before libc in the dynamic loader's search order; libcurl is not loaded at start."""

import os
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
QUORUM_BIN = os.environ.get("QUORUM_RELEASE_BIN", str(ROOT / ".build" / "release" / "quorum"))


def needed(binary: str) -> list[str]:
    out = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True, check=True).stdout
    return [line.split("[", 1)[1].split("]", 1)[0] for line in out.splitlines() if "(NEEDED)" in line]


def test_swift_runtime_is_linked_statically():
    assert os.path.exists(QUORUM_BIN), "build the release binary first (make test-release does)"
    libraries = needed(QUORUM_BIN)
    swift = [lib for lib in libraries if lib.startswith(("libswift", "libFoundation", "lib_Foundation", "libdispatch"))]
    assert swift == [], f"the release binary loads the Swift runtime as shared libraries: {swift}"


def test_malloc_is_mimalloc_for_every_library():
    libraries = needed(QUORUM_BIN)
    assert "libmimalloc.so.2" in libraries, libraries
    assert libraries.index("libmimalloc.so.2") < libraries.index("libc.so.6"), libraries
    # What the loader did: libc's own calls to malloc are bound to mimalloc's.
    run = subprocess.run([QUORUM_BIN, "--help"], env=dict(os.environ, LD_DEBUG="bindings"),
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]
    bindings = [line for line in run.stderr.splitlines() if "normal symbol `malloc'" in line]
    assert bindings, "the loader reported no binding of malloc"
    assert all("libmimalloc" in line.split(" to ", 1)[1] for line in bindings), bindings[:5]


def test_libcurl_is_not_loaded_at_start():
    # The remote engine dlopens libcurl on its first request (Sources/CCurl); linking it, directly or through
    # FoundationNetworking, would load about 30 libraries at every start.
    libraries = needed(QUORUM_BIN)
    assert not [lib for lib in libraries if lib.startswith("libcurl")], libraries
    run = subprocess.run([QUORUM_BIN, "--help"], env=dict(os.environ, LD_DEBUG="libs"),
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "libcurl" not in run.stderr, "quorum --help loaded libcurl"
