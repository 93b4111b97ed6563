"""Emacs + Eglot with editors/emacs/quorum-eglot.el, in batch, against the real server with the tiny model.

editors/emacs/test/quorum-eglot-test.el does the work: Quorum as the Eglot server, settings through
initializationOptions and eglot-workspace-configuration, the graph commands (dependents, dependencies, cycles)
into grep-mode buffers, the inline suggestion inserted at point, completion-at-point, stats.
Needs `apt-get install emacs-nox elpa-eglot` (Debian 12: Emacs 28.2 + Eglot 1.9; `make test-editors` installs
them); skipped when Emacs or Eglot is missing.
"""

import glob
import os
import shutil
import subprocess
import tempfile

import pytest

from conftest import QUORUM_BIN, ROOT
from test_editor_neovim import MODEL, grammar_dir, make_project

SCRIPT = ROOT / "editors" / "emacs" / "test" / "quorum-eglot-test.el"
EMACS = shutil.which("emacs")
HAS_EGLOT = bool(glob.glob("/usr/share/emacs/site-lisp/elpa/eglot-*")) or bool(
    EMACS and subprocess.run([EMACS, "--batch", "-Q", "--eval", "(require 'eglot)"], capture_output=True).returncode == 0)


@pytest.mark.skipif(not (EMACS and HAS_EGLOT), reason="emacs and eglot are not installed (make test-editors installs them)")
def test_emacs_eglot_end_to_end():
    project = make_project()
    scratch = tempfile.mkdtemp(prefix="quorum-emacs-home-")
    env = dict(os.environ, QUORUM_BIN=QUORUM_BIN, QUORUM_PROJECT=str(project), QUORUM_MODEL=str(MODEL),
               QUORUM_GRAMMAR_DIR=grammar_dir(), HOME=scratch, XDG_CACHE_HOME=scratch, XDG_CONFIG_HOME=scratch,
               QUORUM_CACHE_DIR=os.path.join(scratch, "quorum"))
    result = subprocess.run(["timeout", "180", EMACS, "--batch", "-Q", "-l", str(SCRIPT)],
                            cwd=project, env=env, capture_output=True, text=True, timeout=240)
    output = result.stdout + result.stderr
    print(output)
    assert result.returncode == 0, f"emacs exited {result.returncode}:\n{output}"
    assert "emacs eglot test: ok" in output, output
