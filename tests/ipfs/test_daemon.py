"""Our own Kubo on fixed ports with browser origins allowed on its API (what `dapp up` runs), and a kept
repo that forgets both at the next plain start."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from dapp._utils.ports import choose_port
from dapp.exceptions import KuboPortInUseError
from dapp.ipfs.daemon import KuboDaemon, Listen

pytestmark = pytest.mark.kubo


def _post(url: str, origin: str) -> tuple[int, str | None]:
    request = urllib.request.Request(url, method="POST", headers={"Origin": origin})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get("Access-Control-Allow-Origin")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Access-Control-Allow-Origin")


def test_fixed_ports_and_exact_api_origins_then_forgotten(tmp_path: Path) -> None:
    api = choose_port(0).port
    gateway = choose_port(0, avoid=frozenset({api})).port
    page = f"http://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi.ipfs.localhost:{gateway}"
    listen = Listen(api_port=api, gateway_port=gateway, api_origins=(page, f"http://127.0.0.1:{gateway}"))
    repo = tmp_path / "repo"
    with KuboDaemon(repo=repo, listen=listen) as info:
        assert info.api_url == f"http://127.0.0.1:{api}"
        assert info.gateway_url.endswith(f":{gateway}")
        version = f"{info.api_url}/api/v0/version"
        assert _post(version, page) == (200, page)
        assert _post(version, f"http://127.0.0.1:{gateway}")[0] == 200
        assert _post(version, "http://evil.example")[0] == 403  # Kubo matches origins exactly
    with KuboDaemon(repo=repo) as info:  # the same repo, started plainly: no fixed ports, no origins
        assert info.api_url != f"http://127.0.0.1:{api}" and not info.gateway_url.endswith(f":{gateway}")
        assert _post(f"{info.api_url}/api/v0/version", page)[0] == 403
    config = json.loads((repo / "config").read_text())
    assert "Access-Control-Allow-Origin" not in config["API"]["HTTPHeaders"]


def test_a_taken_port_is_a_named_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        daemon = KuboDaemon(repo=tmp_path / "repo", listen=Listen(gateway_port=taken.getsockname()[1]))
        with pytest.raises(KuboPortInUseError):
            daemon.start()
        assert daemon.pid is None
