"""Edit-to-page time of `yjnb preview`, against a forced rebuild of the same authority.

For one authority (default: westmorland-and-furness) in a workspace of its own:

- the floor: `python -c "import pandas, seaborn"`, measured before and after;
- a forced rebuild: `yjnb run --authority SLUG --force` (after one uncounted build);
- `yjnb preview --authority SLUG` running: for a narrative edit, a plan.yaml edit and a
  kpis.csv edit, the seconds from saving the file to fetching the rebuilt page (the
  preview's build number polled every 20 ms, as the page's own script polls it).

Each figure is the median of ``--repeats`` edits, in seconds and in floors. Targets: a
narrative edit at most a quarter of a forced rebuild, and under 1.5 s on the development
machine.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from batch import BIN, ROOT, floor, measure  # noqa: E402

VERSION = "/_preview/version"
TARGET_SECONDS = 1.5
TARGET_SHARE = 0.25


def workspace(root: Path, slug: str) -> Path:
    shutil.copytree(ROOT / "params" / slug, root / "params" / slug)
    shutil.copytree(ROOT / "data" / "national", root / "data" / "national")
    shutil.copytree(ROOT / "data" / "local" / slug, root / "data" / "local" / slug)
    return root


def folders(root: Path) -> list[str]:
    return [
        "--params-dir", str(root / "params"), "--data-dir", str(root / "data"),
        "--output-dir", str(root / "outputs"),
    ]  # fmt: skip


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read().decode("utf-8")


class Edits:
    """The three edits, each making a visible or counted change every time it is made."""

    def __init__(self, root: Path, slug: str):
        self.narrative = root / "params" / slug / "narrative" / "05_risks.md"
        self.plan = root / "params" / slug / "plan.yaml"
        self.kpis = root / "data" / "local" / slug / "kpis.csv"
        self.count = 0

    def make(self, kind: str) -> str | None:
        """Edit one input; returns text the rebuilt page must show (None: not checked)."""
        self.count += 1
        marker = f"Edit number {self.count} of the benchmark."
        if kind == "narrative":
            text = self.narrative.read_text(encoding="utf-8")
            text = re.sub(r"\nEdit number \d+ of the benchmark\.\n", "\n", text)
            self.narrative.write_text(text + f"\n{marker}\n", encoding="utf-8")
            return marker
        if kind == "plan.yaml":
            text = self.plan.read_text(encoding="utf-8")
            text, found = re.subn(
                r"(\n\s+mitigations:\n\s+- )(Edit number \d+ of the benchmark\. )?",
                rf"\g<1>{marker} ",
                text,
                count=1,
            )
            assert found, "no risk mitigation in plan.yaml to edit"
            self.plan.write_text(text, encoding="utf-8")
            return marker
        # kpis.csv: one child moved between two counts of a quarter, and back, so the
        # measures still count the same children.
        text = self.kpis.read_text(encoding="utf-8")
        rows = re.search(
            r"(\d{4}-\d\d Q4,accommodation,all,suitability,Suitable,)(\d+)\n"
            r"(\d{4}-\d\d Q4,accommodation,all,suitability,Unsuitable,)(\d+)\n",
            text,
        )
        assert rows, "no accommodation suitability counts in kpis.csv to edit"
        step = 1 if int(rows[2]) > 0 and self.count % 2 else -1
        if int(rows[4]) == 0:
            step = 1
        replaced = f"{rows[1]}{int(rows[2]) - step}\n{rows[3]}{int(rows[4]) + step}\n"
        self.kpis.write_text(text.replace(rows[0], replaced, 1), encoding="utf-8")
        return None


class Preview:
    """`yjnb preview` running in the background, its output read as it comes."""

    def __init__(self, root: Path, slug: str):
        self.process = subprocess.Popen(
            [str(BIN / "yjnb"), "preview", "--authority", slug, *folders(root)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=ROOT,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.page = self._wait(rf"{slug}: (http://127\.0\.0\.1:\d+/\S+/plan\.html)")
        self.base = self.page.split("/", 3)[:3]
        self.base = "/".join(self.base)

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def _wait(self, pattern: str, timeout: float = 900) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines:
                if found := re.search(pattern, line):
                    return found[1]
            if self.process.poll() is not None:
                raise SystemExit("yjnb preview stopped:\n" + "\n".join(self.lines))
            time.sleep(0.05)
        raise SystemExit("yjnb preview did not start:\n" + "\n".join(self.lines))

    def version(self) -> str:
        return fetch(self.base + VERSION)

    def edit_to_page(self, edit) -> float:
        """Seconds from making the edit to fetching the page it rebuilt."""
        before = self.version()
        time.sleep(0.3)  # a new modification time, whatever the filesystem's resolution
        started = time.perf_counter()
        shown = edit()
        while self.version() == before:
            time.sleep(0.02)
        page = fetch(self.page)
        seconds = time.perf_counter() - started
        if "The last build failed" in page or (shown and shown not in page):
            raise SystemExit("the page did not show the edit:\n" + "\n".join(self.lines[-20:]))
        return seconds

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(120)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--authority", default="westmorland-and-furness")
    parser.add_argument("--repeats", type=int, default=5, help="edits of each kind")
    parser.add_argument("--forced", type=int, default=3, help="forced rebuilds timed")
    parser.add_argument("--floor-repeats", type=int, default=5)
    args = parser.parse_args()
    slug = args.authority
    with tempfile.TemporaryDirectory(prefix="yjnb-preview-bench-") as folder:
        root = workspace(Path(folder), slug)
        floors = floor(args.floor_repeats)
        command = [str(BIN / "yjnb"), "run", "--authority", slug, "--no-progress", *folders(root)]
        first = measure(command)
        if first.returncode:
            raise SystemExit(first.output)
        forced = []
        for _ in range(args.forced):
            result = measure([*command, "--force"])
            if result.returncode:
                raise SystemExit(result.output)
            forced.append(result.seconds)
        preview = Preview(root, slug)
        edits = Edits(root, slug)
        times: dict[str, list[float]] = {}
        try:
            for _ in range(args.repeats):
                for kind in ("narrative", "plan.yaml", "kpis.csv"):
                    seconds = preview.edit_to_page(lambda kind=kind: edits.make(kind))
                    times.setdefault(kind, []).append(seconds)
        finally:
            preview.stop()
        floors += floor(args.floor_repeats)
        rebuilt = [line for line in preview.lines if f"{slug}: " in line and "http" not in line]
    floor_seconds = statistics.median(floors)
    forced_seconds = statistics.median(forced)
    rows = [
        ("Machine", f"{os.cpu_count()} cores, load average at end {os.getloadavg()[0]:.1f}"),
        (
            "Floor: python -c 'import pandas, seaborn' (median, before and after)",
            f"{floor_seconds:.2f} s (from {min(floors):.2f} to {max(floors):.2f} s)",
        ),
        (
            f"yjnb run --authority {slug} --force (median of {len(forced)})",
            f"{forced_seconds:.2f} s = {forced_seconds / floor_seconds:.1f} floors",
        ),
    ]
    for kind, found in times.items():
        seconds = statistics.median(found)
        rows.append(
            (
                f"Preview, {kind} edit to page (median of {len(found)}; "
                f"from {min(found):.2f} to {max(found):.2f} s)",
                f"{seconds:.2f} s = {seconds / floor_seconds:.2f} floors = "
                f"{seconds / forced_seconds:.2f} of a forced rebuild",
            )
        )
    narrative = statistics.median(times["narrative"])
    rows.append(
        (
            f"Targets: narrative edit at most {TARGET_SHARE} of a forced rebuild, "
            f"under {TARGET_SECONDS} s",
            f"{narrative / forced_seconds:.2f} of a forced rebuild "
            f"({'met' if narrative <= TARGET_SHARE * forced_seconds else 'missed'}); "
            f"{narrative:.2f} s ({'met' if narrative < TARGET_SECONDS else 'missed'})",
        )
    )
    print("| Figure | Measured |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    print("\nWhat the preview rebuilt, edit by edit:")
    for line in rebuilt:
        print(f"    {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
