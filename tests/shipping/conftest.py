"""The page's shipping crypto (frontend/src/crypto/) in a Node process, for the interop tests.

The driver (frontend/test/crypto-driver.ts) is bundled by the page's own esbuild, as the page build
bundles the module, and speaks one JSON line per request. Started once per session, stopped by its PID."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
HERE = Path(__file__).parent


def load_json(name: str) -> Any:
    return json.loads((HERE / name).read_text(encoding="utf-8"))


class PageError(Exception):
    """An error the page's code threw, by its class name."""

    def __init__(self, name: str, message: str, field: str | None) -> None:
        self.name = name
        self.field = field
        super().__init__(f"{name}: {message}")


class PageCrypto:
    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process

    def __call__(self, op: str, **request: Any) -> Any:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps({"op": op, **request}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, "the Node driver exited"
        answer = json.loads(line)
        if "error" in answer:
            error = answer["error"]
            raise PageError(error["name"], error["message"], error["field"])
        return answer["ok"]


def bundle(entry: Path, out: Path) -> Path:
    esbuild = FRONTEND / "node_modules" / ".bin" / "esbuild"
    assert esbuild.exists(), f"{esbuild} is missing: run `make setup`"
    subprocess.run(
        [str(esbuild), str(entry), "--bundle", "--format=esm", "--platform=node", "--target=node20",
         f"--outfile={out}", "--log-level=warning"],
        cwd=FRONTEND, check=True, timeout=120,
    )  # fmt: skip
    return out


@pytest.fixture(scope="session")
def page_crypto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PageCrypto]:
    driver = bundle(FRONTEND / "test" / "crypto-driver.ts", tmp_path_factory.mktemp("page-crypto") / "driver.mjs")
    node = shutil.which("node")
    assert node, "node is not on PATH"
    process = subprocess.Popen(
        [node, str(driver)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8"
    )
    try:
        yield PageCrypto(process)
    finally:
        process.terminate()
        process.wait(timeout=30)
