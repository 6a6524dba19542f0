"""The page's own unit tests of its shipping crypto (frontend/test/crypto.test.ts: RFC 9180 A.2.1 through
@hpke/core, the shared details table, key golden values, the envelope), bundled by esbuild and run by
Node's test runner, so that `pytest` alone checks both languages against the RFC."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.shipping.conftest import FRONTEND, bundle


def test_page_crypto_unit_tests(tmp_path: Path) -> None:
    script = bundle(FRONTEND / "test" / "crypto.test.ts", tmp_path / "crypto.test.mjs")
    node = shutil.which("node")
    assert node, "node is not on PATH"
    run = subprocess.run(
        [node, "--test", str(script)], cwd=FRONTEND, capture_output=True, text=True, timeout=300, check=False
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "# pass 10" in run.stdout and "# fail 0" in run.stdout
