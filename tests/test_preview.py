"""`yjnb preview`: serves the built pages on 127.0.0.1, rebuilds after an edit and reloads;
an input error is shown on the last good page with its file, row and column."""

import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from workspaces import ROOT, copy_workspace

from yjnb.batch.preview import (
    VERSION_PATH,
    Preview,
    PreviewState,
    changes,
    make_handler,
    served_page,
)
from yjnb.paths import Workspace

pytestmark = pytest.mark.slow

SLUG = "trafford"
WAIT = 900  # seconds a build may take on a busy machine


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8")


def listening_addresses(port: int) -> set[str]:
    """The local addresses of the sockets listening on ``port``, from /proc/net/tcp(6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if int(hex_port, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                found.add(address)
    return found


class Running:
    """`yjnb preview` in a subprocess, its output read line by line."""

    def __init__(self, args: list[str]):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "yjnb", "preview", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=ROOT,
            # Ctrl-C reaches it even where this test runs with SIGINT ignored (in background)
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = WAIT) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines:
                if found := re.search(pattern, line):
                    return found
            assert self.process.poll() is None, "\n".join(self.lines)
            time.sleep(0.1)
        raise AssertionError(f"no {pattern!r} in:\n" + "\n".join(self.lines))


def wait_for_version(base: str, after: str) -> str:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        version = fetch(base + VERSION_PATH)
        if version != after:
            return version
        time.sleep(0.2)
    raise AssertionError("the preview did not build again")


def test_preview_serves_rebuilds_on_an_edit_and_shows_an_input_error(tmp_path):
    paths = copy_workspace(tmp_path, [SLUG])
    ws = Workspace.from_args(paths["params"], paths["data"], paths["output"])
    preview = Running(
        [
            "--authority", SLUG,
            "--params-dir", str(paths["params"]),
            "--data-dir", str(paths["data"]),
            "--output-dir", str(paths["output"]),
            "--profile", "public",
        ]
    )  # fmt: skip
    try:
        url = preview.wait_for(
            rf"{SLUG}: (http://127\.0\.0\.1:(\d+)/\S+/{SLUG}/public/plan\.html)"
        )
        page_url, port = url[1], int(url[2])
        base = f"http://127.0.0.1:{port}"
        assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1 only
        page = fetch(page_url)
        assert VERSION_PATH in page  # the reload script, added as the page is served
        published = next(paths["output"].glob(f"*/{SLUG}/public/plan.html"))
        assert VERSION_PATH not in published.read_text(encoding="utf-8")
        assert "<script" not in published.read_text(encoding="utf-8")
        version = fetch(base + VERSION_PATH)

        narrative = ws.narrative_file(SLUG, "05_risks")
        narrative.write_text(
            narrative.read_text(encoding="utf-8") + "\nA sentence seen in the preview.\n",
            encoding="utf-8",
        )
        version = wait_for_version(base, version)
        page = fetch(page_url)
        assert "A sentence seen in the preview." in page
        assert "The last build failed" not in page
        preview.wait_for(rf"{SLUG}: 05_risks: params/{SLUG}/narrative/05_risks\.md changed")

        kpis = ws.local_file(SLUG, "kpis.csv")
        rows = kpis.read_text(encoding="utf-8").splitlines()
        row = next(i for i, r in enumerate(rows) if r.endswith(",Suitable,16")) + 1
        rows[row - 1] = rows[row - 1].replace(",Suitable,16", ",Suitable,sixteen")
        kpis.write_text("\n".join(rows) + "\n", encoding="utf-8")
        version = wait_for_version(base, version)
        page = fetch(page_url)
        assert "The last build failed" in page
        where = rf"data/local/{SLUG}/kpis\.csv, row {row}, column (&#x27;|')count"
        assert re.search(where, page), page
        assert "A sentence seen in the preview." in page  # the last good page, still there

        preview.process.send_signal(signal.SIGINT)
        assert preview.process.wait(timeout=120) == 0
        preview.wait_for("Preview stopped", timeout=5)
    finally:
        if preview.process.poll() is None:
            preview.process.kill()
            preview.process.wait()
        preview.reader.join(10)
        preview.process.stdout.close()


def test_the_page_served_reloads_and_shows_failures_but_the_file_is_untouched(tmp_path):
    (tmp_path / "a").mkdir()
    page = "<!DOCTYPE html><html><body><main>The plan</main></body></html>"
    (tmp_path / "a" / "plan.html").write_text(page, encoding="utf-8")
    state = PreviewState()
    shown = served_page(page, state)
    assert shown.startswith(page[: page.index("</body>")]) and VERSION_PATH in shown
    state.failures = ["trafford: 04_performance: InputError: kpis.csv, row 3, column 'count': <x>"]
    shown = served_page(page, state)
    assert shown.index("The last build failed") < shown.index("The plan")
    assert "column &#x27;count&#x27;: &lt;x&gt;" in shown  # escaped

    from http.server import ThreadingHTTPServer

    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(tmp_path, state))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        assert "The last build failed" in fetch(base + "/a/plan.html")
        assert fetch(base + VERSION_PATH) == "0"
        state.version = 3
        assert fetch(base + VERSION_PATH) == "3"
    finally:
        server.shutdown()
        server.server_close()
    assert (tmp_path / "a" / "plan.html").read_text(encoding="utf-8") == page


def test_the_preview_binds_to_127_0_0_1_only(tmp_path):
    session = Preview(Workspace.from_args(tmp_path, tmp_path, tmp_path / "out"), [])
    port = session.serve()
    try:
        assert session.http.server_address == ("127.0.0.1", port)
        assert listening_addresses(port) == {"0100007F"}
    finally:
        session.close()


def test_changes_name_the_files_added_edited_and_removed(tmp_path):
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "kept.md").write_text("a")
    (tmp_path / "params" / "gone.md").write_text("a")
    stop = threading.Event()
    found = changes([tmp_path / "params"], tmp_path / "out", stop)
    seen: set = set()

    def watch():
        for changed in found:
            seen.update(p.name for p in changed)
            if len(seen) >= 3:
                return

    thread = threading.Thread(target=watch)
    thread.start()
    time.sleep(0.5)
    (tmp_path / "params" / "kept.md").write_text("ab")
    (tmp_path / "params" / "gone.md").unlink()
    (tmp_path / "params" / ".hidden.md").write_text("a")
    (tmp_path / "params" / "new.md").write_text("a")
    thread.join(10)
    stop.set()
    assert seen == {"gone.md", "kept.md", "new.md"}
