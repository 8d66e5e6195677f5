"""``yjnb preview``: the built pages served on this machine, rebuilt and reloaded on each edit.

The preview builds the chosen authorities as ``yjnb run`` does (into the same output folder,
executing again only the sections an edit affects: :mod:`yjnb.batch.incremental`), serves
the output folder on 127.0.0.1 at a free port, and watches params/, data/ and notebooks/
(by polling each file's size and modification time: no extra dependency). After each
build the open page reloads itself: the preview adds to each page it serves a small script
that asks the preview's ``/_preview/version`` for the build's number, and reloads when it
changes. The files published are never changed: the script is added as the page is sent.

A build that fails leaves the last good pages in place (builds replace an authority's
outputs only when complete); the preview shows them with what went wrong above them: the
file, row and column of each input problem. Nothing is requested from any other site.
"""

from __future__ import annotations

import html
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from yjnb.batch.runner import RunSummary, WorkerServer, run
from yjnb.inputs.config import PROFILES
from yjnb.paths import Workspace, hidden

HOST = "127.0.0.1"
VERSION_PATH = "/_preview/version"
POLL_SECONDS = 0.2  # how often the inputs are looked at
SETTLE_SECONDS = 0.05  # an editor's save may write a file in several steps
RELOAD_SCRIPT = """<script>
(function () {
  var built = "%s";
  function poll() {
    fetch("%s", {cache: "no-store"}).then(function (r) { return r.text(); })
      .then(function (now) { if (now !== built) { location.reload(); } })
      .catch(function () {})
      .finally(function () { setTimeout(poll, 250); });
  }
  poll();
})();
</script>"""
NOT_BUILT = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Not built yet</title>'
    "</head><body><main><h1>Not built yet</h1><p>This page has not been built. It appears "
    "here once it has.</p></main></body></html>"
)
BANNER_STYLE = (
    "border:4px solid #d4351c;background:#fff;color:#0b0c0c;padding:1em;margin:0 0 1em;"
    "font-family:sans-serif"
)


@dataclass
class PreviewState:
    """What the server shows: the build's number, and what the last build failed on."""

    version: int = 0
    building: bool = False
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def built(self, summary: RunSummary) -> None:
        """Record a finished build: the pages reload, showing its failures if it had any."""
        failures = [str(f) for f in summary.failures] + summary.index_failures
        with self.lock:
            self.failures = failures
            self.version += 1


def banner(failures: list[str]) -> str:
    """The preview's note above the page: what the last build failed on, line by line.

    Each failure names the authority and section, then each input problem with its file,
    row and column (:class:`yjnb.errors.Problem`), as ``yjnb run`` prints them.
    """
    items = []
    for failure in failures:
        first, *rest = failure.splitlines() or [""]
        more = "".join(f"<li>{html.escape(line.strip())}</li>" for line in rest if line.strip())
        items.append(f"<li>{html.escape(first)}{f'<ul>{more}</ul>' if more else ''}</li>")
    return (
        f'<div role="alert" style="{BANNER_STYLE}"><h2>The last build failed</h2>'
        "<p>The page below is the last one that built. Fix the input and save: the page "
        f"reloads when it builds.</p><ul>{''.join(items)}</ul></div>"
    )


def served_page(page: str, state: PreviewState) -> str:
    """A built page as the preview sends it: its reload script, and any failure above it."""
    with state.lock:
        version, failures = state.version, list(state.failures)
    script = RELOAD_SCRIPT % (version, VERSION_PATH)
    if failures:
        body = page.find("<body")
        opened = page.find(">", body) + 1 if body >= 0 else 0
        page = page[:opened] + banner(failures) + page[opened:]
    at = page.rfind("</body>")
    return page + script if at < 0 else page[:at] + script + page[at:]


def make_handler(root: Path, state: PreviewState) -> type[SimpleHTTPRequestHandler]:
    """A request handler serving ``root``'s files, the reload script and the build's number."""

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def do_GET(self) -> None:  # noqa: N802
            path = self.path.split("?", 1)[0]
            if path == VERSION_PATH:
                with state.lock:
                    self._send(str(state.version).encode(), "text/plain")
                return
            local = Path(self.translate_path(path))
            if local.is_dir():
                local = local / "index.html"
            if local.suffix == ".html" and local.is_file():
                page = served_page(local.read_text(encoding="utf-8"), state)
                self._send(page.encode("utf-8"), "text/html; charset=utf-8")
                return
            if local.suffix == ".html":  # not built yet: reloads once it is
                page = served_page(NOT_BUILT, state)
                self._send(page.encode("utf-8"), "text/html; charset=utf-8", HTTPStatus.NOT_FOUND)
                return
            super().do_GET()

        def _send(self, body: bytes, kind: str, status: HTTPStatus = HTTPStatus.OK) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the terminal shows builds, not every request

    return Handler


def snapshot(folders: list[Path], outputs: Path) -> dict[Path, tuple[int, int]]:
    """Every file under ``folders`` with its size and modification time.

    Hidden files and folders (JupyterLab's checkpoints) are left out, and so are the
    outputs, should they be kept inside one of the folders.
    """
    found: dict[Path, tuple[int, int]] = {}
    for folder in folders:
        for directory, subfolders, files in os.walk(folder):
            subfolders[:] = [
                d for d in subfolders if not hidden(d) and Path(directory) / d != outputs
            ]
            for name in files:
                if hidden(name):
                    continue
                path = Path(directory) / name
                try:
                    stat = path.stat()
                except OSError:
                    continue  # removed while looking
                found[path] = (stat.st_size, stat.st_mtime_ns)
    return found


def changes(folders: list[Path], outputs: Path, stop: threading.Event) -> Iterator[list[Path]]:
    """Yield the files changed (added, edited or removed) each time some change, until ``stop``."""
    before = snapshot(folders, outputs)
    while not stop.wait(POLL_SECONDS):
        now = snapshot(folders, outputs)
        if now != before:
            time.sleep(SETTLE_SECONDS)
            now = snapshot(folders, outputs)
            changed = sorted(p for p in before.keys() | now.keys() if before.get(p) != now.get(p))
            before = now
            yield changed


def say_now(text: str) -> None:
    """Print a line at once, even to a pipe (the preview's output is read as it runs)."""
    print(text, flush=True)


class Preview:
    """Builds, serves and watches: :func:`preview` runs one until Ctrl-C."""

    def __init__(
        self,
        workspace: Workspace,
        slugs: list[str],
        year: str | None = None,
        say: Callable[[str], None] = say_now,
    ):
        self.workspace, self.slugs, self.year, self.say = workspace, slugs, year, say
        self.state = PreviewState()
        self.stop = threading.Event()
        self.server: WorkerServer | None = None
        self.http: ThreadingHTTPServer | None = None

    def build(self) -> RunSummary:
        """Build what changed since the last build, with the worker server kept running."""
        if self.server is None or not self.server.alive or self.server.process.poll() is not None:
            self.server = WorkerServer()
        self.state.building = True
        try:
            summary = run(
                self.workspace, self.slugs, year=self.year, progress=False, server=self.server
            )
        finally:
            self.state.building = False
        self.state.built(summary)
        return summary

    def serve(self) -> int:
        """Start serving the output folder on 127.0.0.1; returns the port chosen."""
        self.workspace.output_dir.mkdir(parents=True, exist_ok=True)
        handler = make_handler(self.workspace.output_dir, self.state)
        self.http = ThreadingHTTPServer((HOST, 0), handler)
        self.http.daemon_threads = True
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        return self.http.server_address[1]

    def watch(self) -> None:
        """Build again after each change to params/, data/ or notebooks/, until stopped."""
        ws = self.workspace
        folders = [ws.params_dir, ws.data_dir, ws.notebooks_dir]
        for changed in changes(folders, ws.output_dir, self.stop):
            shown = ", ".join(ws.shown(p) for p in changed[:3])
            more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
            self.say(f"Changed: {shown}{more}")
            self.say(self.build().report())

    def close(self) -> None:
        """Stop watching and serving, and stop the worker processes."""
        self.stop.set()
        if self.http is not None:
            self.http.shutdown()
            self.http.server_close()
        if self.server is not None:
            self.server.stop()


def page_url(port: int, slug: str, profile: str, year: str) -> str:
    """The address of an authority's plan as the preview serves it."""
    return f"http://{HOST}:{port}/{year}/{slug}/{profile}/plan.html"


def preview(
    workspace: Workspace,
    slugs: list[str],
    year: str | None = None,
    profile: str = "board",
    say: Callable[[str], None] = say_now,
) -> int:
    """Build, serve on 127.0.0.1 and rebuild on every edit until Ctrl-C; returns the status."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}: expected one of {PROFILES}")
    session = Preview(workspace, slugs, year, say)
    try:
        summary = session.build()
        say(summary.report())
        port = session.serve()
        years = sorted(summary.years)
        for slug in slugs:
            for built in years:
                say(f"{slug}: {page_url(port, slug, profile, built)}")
        for built in years:
            say(f"Index: http://{HOST}:{port}/{built}/index.html")
        if not years:
            say(f"Serving http://{HOST}:{port}/")
        say("Watching params/, data/ and notebooks/; Ctrl-C stops.")
        session.watch()
    except KeyboardInterrupt:
        say("Preview stopped.")
    finally:
        session.close()
    return 0
