"""Shared set-up for the end-to-end tests: where the binary is, and pytest-lsp clients that start it.

Every test talks to the real `quorum lsp` process. The binary is `.build/debug/quorum` unless `QUORUM_BIN` says
otherwise. Each server gets a throw-away cache directory so tests never touch the user's cache.
"""

import asyncio
import os
import pathlib
import sys
import tempfile

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

sys.path.insert(0, str(pathlib.Path(__file__).parent))

ROOT = pathlib.Path(__file__).resolve().parents[2]
QUORUM_BIN = os.environ.get("QUORUM_BIN", str(ROOT / ".build" / "debug" / "quorum"))
# Upper bound for any single answer: a hang fails the test instead of blocking the suite. Not a timing assertion.
TIMEOUT = 30

_CACHE = tempfile.mkdtemp(prefix="quorum-e2e-cache-")


def server_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["QUORUM_CACHE_DIR"] = _CACHE
    env["QUORUM_DEBUG_REQUESTS"] = "1"
    env.update(extra)
    return env


def server_command() -> list[str]:
    return [QUORUM_BIN, "lsp", "--log-level", "debug"]


async def within(awaitable, timeout: float = TIMEOUT):
    """Every request goes through this: pytest-lsp itself has no request timeout."""
    return await asyncio.wait_for(awaitable, timeout)


async def request(client: LanguageClient, method: str, params=None, msg_id=None):
    """A request by method name, for Quorum's own methods that lsprotocol does not know."""
    return await within(client.protocol.send_request_async(method, params if params is not None else {}, msg_id=msg_id))


def start_request(client: LanguageClient, method: str, params=None, msg_id=None):
    """Sends a request now (not when a task first runs) and returns a future of its answer, bounded by TIMEOUT."""
    future = asyncio.wrap_future(client.protocol.send_request(method, params if params is not None else {}, msg_id=msg_id))
    return asyncio.ensure_future(within(future))


def field(obj, name):
    """Reads a member of a result that pygls may hand back as a dict or as an object."""
    if isinstance(obj, dict):
        return obj[name]
    return getattr(obj, name)


def as_plain(obj):
    """Turns pygls' result objects into plain dicts and lists for easy comparison."""
    if isinstance(obj, dict):
        return {k: as_plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)) and not hasattr(obj, "_fields"):
        return [as_plain(v) for v in obj]
    if hasattr(obj, "_asdict"):
        return {k: as_plain(v) for k, v in obj._asdict().items()}
    if hasattr(obj, "__dict__") and not isinstance(obj, (str, int, float, bool)):
        return {k: as_plain(v) for k, v in vars(obj).items()}
    return obj


def init_params(**kwargs) -> types.InitializeParams:
    capabilities = kwargs.pop("capabilities", types.ClientCapabilities())
    return types.InitializeParams(capabilities=capabilities, **kwargs)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=server_command(), server_env=server_env()))
async def client(lsp_client: LanguageClient):
    """A started but not yet initialized client; each test initializes as it needs."""
    yield
    server = lsp_client._server
    # pytest-lsp's stop() waits for the server to exit, so make sure it does: a polite shutdown when the test left
    # an initialized session, else SIGTERM (which Quorum handles cleanly).
    if server is not None and server.returncode is None and lsp_client.capabilities is not None \
            and lsp_client.error is None:
        try:
            await within(lsp_client.shutdown_session(), 10)
        except Exception:
            pass
    if server is not None and server.returncode is None:
        server.terminate()
        await within(server.wait(), 10)


def settings_messages(client) -> list:
    """window/showMessage messages about settings, without the one-off notice about model completions
    (which a server with no usable model sends once by design)."""
    return [m for m in client.messages if "model completions are off" not in m.message]
