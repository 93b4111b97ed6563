"""Runs the headless Neovim 0.7 test (Tests/nvim/lsp_test.lua) so one pytest run covers both clients."""

import os
import pathlib
import shutil
import subprocess
import tempfile

from conftest import QUORUM_BIN, ROOT

SCRIPT = ROOT / "Tests" / "nvim" / "lsp_test.lua"


def test_neovim_drives_the_server():
    nvim = shutil.which("nvim")
    assert nvim, "nvim not found: `make apt` installs Debian's neovim (0.7.2)"
    scratch = tempfile.mkdtemp(prefix="quorum-nvim-")
    env = dict(os.environ, QUORUM_BIN=QUORUM_BIN, XDG_CACHE_HOME=scratch, XDG_STATE_HOME=scratch,
               XDG_CONFIG_HOME=scratch, QUORUM_CACHE_DIR=os.path.join(scratch, "quorum"))
    # The outer `timeout` is the last line of defence: a Lua error is already turned into `cquit` by the script.
    result = subprocess.run(["timeout", "120", nvim, "--headless", "-u", "NONE", "-c", f"luafile {SCRIPT}"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"nvim exited {result.returncode}:\n{output}"
    assert "nvim lsp test: ok" in output, output
