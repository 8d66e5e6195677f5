"""A copy of a bundled authority with hostile text planted in every field that takes text.

Each text value in plan.yaml and each cell of a text column in the authority's CSV files
gets :data:`PLANT` in front of it: markup that would run script or fetch from another site
if a page printed it unescaped, and a formula that a spreadsheet would run if a CSV cell
started with it. A field whose validation refuses the plant (a code, a date, a word from a
fixed list) keeps its value: what is planted is whatever yjnb accepts.
"""

import csv
import io
from pathlib import Path

import yaml
from workspaces import copy_workspace

from yjnb.errors import InputError
from yjnb.inputs.config import load_plan
from yjnb.inputs.load import load_local, load_national
from yjnb.inputs.plan_areas import check_plan_codes

PLANT = (
    "=1+1<img alt=x src=x onerror=alert(1)><script>alert(2)</script><svg onload=alert(3)>"
    "<style>*{background:url(https://example.org/s.png)}</style>"
)
# Elements that run script or fetch from elsewhere, none of which a page of yjnb's has.
LIVE_TAGS = {"script", "svg", "iframe", "object", "embed", "link", "base", "frame", "form"}


def _leaves(node, path=()):
    """(path, value) of every string in a YAML document, depth first."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, (*path, index))
    elif isinstance(node, str):
        yield path, node


def _set(node, path, value):
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def plant_plan(plan_path: Path, slug: str, national) -> list[tuple]:
    """Plant in every string of plan.yaml that validation accepts; returns the paths planted.

    Planted everywhere, then taken out of the fields validation names, until it passes; then
    each field taken out is tried again alone (a problem may name a whole list entry).
    """
    original = yaml.safe_load(plan_path.read_text(encoding="utf-8"))
    planted = yaml.safe_load(plan_path.read_text(encoding="utf-8"))
    paths = [path for path, _ in _leaves(original)]
    for path in paths:
        _set(planted, path, PLANT + _get(original, path))
    kept, named = set(paths), set()
    while problems := _plan_problems(plan_path, slug, national, planted):
        refused = {p for p in kept if any(_names(problem, p) for problem in problems)}
        assert refused, f"the plant is refused where no field is named: {problems}"
        named |= {p for p in refused if any(_dotted(p) == x.column for x in problems)}
        for path in refused:
            _set(planted, path, _get(original, path))
        kept -= refused
    for path in paths:
        if path not in kept and path not in named:
            _set(planted, path, PLANT + _get(original, path))
            if _plan_problems(plan_path, slug, national, planted):
                _set(planted, path, _get(original, path))
            else:
                kept.add(path)
    assert not _plan_problems(plan_path, slug, national, planted)
    return sorted(kept, key=str)


def _plan_problems(plan_path: Path, slug: str, national, content) -> list:
    text = yaml.dump(content, Dumper=yaml.CSafeDumper, allow_unicode=True)
    plan_path.write_text(text, encoding="utf-8")
    try:
        config = load_plan(plan_path.parent.parent, slug)
        return check_plan_codes(config, national, f"params/{slug}/plan.yaml")
    except InputError as exc:
        return exc.problems


def _get(node, path):
    for key in path:
        node = node[key]
    return node


def _dotted(path: tuple) -> str:
    return ".".join(str(part) for part in path)


def _names(problem, path) -> bool:
    column, dotted = problem.column or "", _dotted(path)
    return bool(column) and (dotted == column or dotted.startswith(column + "."))


def plant_csvs(local: Path, national) -> dict[str, list[str]]:
    """Plant in every text column of the authority's CSV files that validation accepts.

    Returns the columns planted, by file name.
    """
    originals = {path: _read(path) for path in sorted(local.glob("*.csv"))}
    planted = {
        path: [c for c in header if any(not _number(row[c]) for row in rows)]
        for path, (header, rows) in originals.items()
    }
    while True:
        for path, (header, rows) in originals.items():
            _write(path, header, rows, planted[path])
        try:
            load_local(local.parent.parent, local.name, national)
            return {path.name: columns for path, columns in planted.items() if columns}
        except InputError as exc:
            refused = {(p.file.rsplit("/", 1)[-1], p.column) for p in exc.problems}
        changed = False
        for path in planted:
            kept = [c for c in planted[path] if (path.name, c) not in refused]
            if (path.name, None) in refused:
                kept = []
            changed |= kept != planted[path]
            planted[path] = kept
        assert changed, f"the plant is refused where no column is named: {refused}"


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]], columns: list[str]):
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: PLANT + v if k in columns and v else v for k, v in row.items()})
    path.write_text(out.getvalue(), encoding="utf-8")


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return text == ""
    return True


# An SVG logo, embedded as an image (one holding script or reaching other sites is refused:
# tests/test_narrative.py).
LOGO_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
    '<rect width="40" height="20"/></svg>'
)
PNG = bytes.fromhex(  # a 1 x 1 pixel PNG
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000005000157a3cf4d0000000049454e44ae426082"
)


def hostile_authority(base: Path, slug: str) -> dict[str, Path]:
    """A workspace under ``base`` with ``slug`` copied and planted; every section retitled.

    Its narrative shows a PNG from its narrative folder and an SVG logo from its params
    folder. Returns the workspace's folders (params, data), and what was planted (plan, csv).
    """
    folders = copy_workspace(base, [slug])
    params, data = folders["params"], folders["data"]
    plan = params / slug / "plan.yaml"
    content = yaml.safe_load(plan.read_text(encoding="utf-8"))
    sections = load_plan(params, slug).plan_sections()
    content["sections"] = [{"id": s.id, "title": s.title} for s in sections]
    plan.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    national = load_national(data)
    narrative = params / slug / "narrative" / "02_governance.md"
    (narrative.parent / "org.png").write_bytes(PNG)
    (params / slug / "logo.svg").write_text(LOGO_SVG, encoding="utf-8")
    narrative.write_text(
        narrative.read_text(encoding="utf-8")
        + "\n![Staffing structure <b>chart</b>](org.png)\n\n![Service logo](logo.svg)\n",
        encoding="utf-8",
    )
    return {
        "params": params,
        "data": data,
        "plan": plant_plan(plan, slug, national),
        "csv": plant_csvs(data / "local" / slug, national),
    }
