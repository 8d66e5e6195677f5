"""The command line: `yjnb run`, `preview`, `validate`, `new`, `placeholders` and `import`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from yjnb.errors import InputError
from yjnb.paths import Workspace, slug_problem


def _selectors(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--authority",
        action="append",
        type=lambda slug: slug.rstrip("/"),  # as a shell completes the folder's name
        metavar="SLUG",
        help="authority to build (repeatable); default: all in params/",
    )
    parser.add_argument("--year", metavar="YYYY-YY", help="plan year; default: each plan.yaml's")
    parser.add_argument("--params-dir", metavar="DIR", help="default: params/")
    parser.add_argument("--data-dir", metavar="DIR", help="default: data/")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(prog="yjnb", description="Reproducible Youth Justice Plans.")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="build plans, appendices and tables")
    _selectors(run)
    run.add_argument("--jobs", type=int, metavar="N", help="parallel workers; default: all cores")
    run.add_argument(
        "--profile",
        choices=("public", "board"),
        action="append",
        help="profile to publish (repeatable); default: both",
    )
    run.add_argument("--output-dir", metavar="DIR", help="default: outputs/")
    run.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    run.add_argument(
        "--engine",
        choices=("fork", "kernel"),
        default="fork",
        help="fork (default): each notebook in a fresh process forked from one that has "
        "already imported everything; kernel: each in a fresh Jupyter kernel, as plain "
        "papermill does (slower; for debugging)",
    )
    run.add_argument(
        "--force",
        action="store_true",
        help="rebuild authorities whose inputs, notebooks and yjnb are unchanged since their "
        "last build (by default those are reused)",
    )
    run.add_argument("--strict", action="store_true", help=STRICT_HELP)
    run.add_argument("--final", action="store_true", help=FINAL_HELP)
    run.add_argument(
        "--pdf",
        action="store_true",
        help="also write plan.pdf and performance-appendix.pdf beside each page, printed by "
        "the Chromium installed on this machine (never downloaded)",
    )

    watch = commands.add_parser(
        "preview", help="serve the built pages on 127.0.0.1, rebuilt and reloaded on each edit"
    )
    _selectors(watch)
    watch.add_argument("--output-dir", metavar="DIR", help="default: outputs/")
    watch.add_argument(
        "--profile",
        choices=("board", "public"),
        default="board",
        help="the pages to open; default: board",
    )

    validate = commands.add_parser("validate", help="check every input; writes nothing")
    _selectors(validate)
    validate.add_argument("--strict", action="store_true", help=STRICT_HELP)
    validate.add_argument("--final", action="store_true", help=FINAL_HELP)

    new = commands.add_parser("new", help="scaffold params/SLUG and data/local/SLUG")
    new.add_argument("slug")
    new.add_argument(
        "--area-code",
        metavar="CODE",
        help="the authority's code in data/national/areas.csv; default: the area the slug names",
    )
    new.add_argument("--params-dir", metavar="DIR")
    new.add_argument("--data-dir", metavar="DIR")

    holders = commands.add_parser(
        "placeholders", help="list the names narrative may use, with one authority's values"
    )
    holders.add_argument("slug", nargs="?", help="show this authority's value of each name")
    holders.add_argument("--params-dir", metavar="DIR")
    holders.add_argument("--data-dir", metavar="DIR")

    imports = commands.add_parser(
        "import", help="merge a published download into data/national/counts.csv"
    )
    kinds = imports.add_subparsers(dest="kind", required=True)
    for kind, what in IMPORT_KINDS.items():
        command = kinds.add_parser(kind, help=f"import {what}")
        command.add_argument("file", help=what)
        command.add_argument("--data-dir", metavar="DIR", help="default: data/")
        command.add_argument(
            "--replace",
            action="store_true",
            help="take the file's figure where counts.csv holds a different one",
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    args = build_parser().parse_args(argv)
    workspace = Workspace.from_args(
        params_dir=getattr(args, "params_dir", None),
        data_dir=getattr(args, "data_dir", None),
        output_dir=getattr(args, "output_dir", None),
    )
    try:
        return COMMANDS[args.command](args, workspace)
    except InputError as exc:
        print(f"yjnb: cannot continue:\n{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        # A run says what it had replaced by then; of other commands nothing is claimed.
        print(f"yjnb: {exc if str(exc) else 'interrupted.'}", file=sys.stderr)
        return 130


def _run(args: argparse.Namespace, workspace: Workspace) -> int:
    from yjnb.batch.runner import run

    profiles = tuple(args.profile) if args.profile else None
    summary = run(
        workspace,
        _authorities(args, workspace),
        year=args.year,
        jobs=args.jobs,
        progress=False if args.no_progress else None,
        profiles=profiles,
        engine=args.engine,
        force=args.force,
        strict=args.strict,
        final=args.final,
        pdf=args.pdf,
    )
    print(summary.report())
    for page in summary.index_pages:
        print(f"Index: {page}")
        if (page.parent / "website" / "index.html").exists():
            print(f"To publish, copy the folder {page.parent / 'website'}")
    return 0 if summary.ok else 1


def _preview(args: argparse.Namespace, workspace: Workspace) -> int:
    from yjnb.batch.preview import preview

    return preview(workspace, _authorities(args, workspace), year=args.year, profile=args.profile)


def _authorities(args: argparse.Namespace, workspace: Workspace) -> list[str]:
    """The authorities chosen (by default every one under params/); a bad slug is refused."""
    slugs = args.authority or workspace.authorities()
    source = "--authority" if args.authority else workspace.shown(workspace.params_dir)
    problems = [p for p in (slug_problem(slug, source) for slug in slugs) if p]
    if problems:
        raise InputError(problems)
    return slugs


def _validate(args: argparse.Namespace, workspace: Workspace) -> int:
    from yjnb.batch.validate import validate

    slugs = _authorities(args, workspace)
    problems = validate(workspace, slugs, year=args.year, strict=args.strict, final=args.final)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    for problem in problems:
        print(f"{problem.severity}: {problem}")
    notes = len(problems) - len(errors) - len(warnings)
    print(
        f"Checked {len(slugs)} authorities: {len(errors)} errors, {len(warnings)} warnings"
        + (f", {notes} notes (checks that could not be made)." if notes else ".")
    )
    if args.strict and warnings and not errors:
        print("--strict: the warnings above fail the check.")
    return 1 if errors or (args.strict and warnings) else 0


def _new(args: argparse.Namespace, workspace: Workspace) -> int:
    from yjnb.inputs.scaffold import scaffold

    for path in scaffold(workspace, args.slug, args.area_code):
        print(f"created {workspace.shown(path)}")
    return 0


def _placeholders(args: argparse.Namespace, workspace: Workspace) -> int:
    from yjnb.narrative.content_figures import authority_placeholders, content_names
    from yjnb.narrative.placeholders import describe

    if args.slug is None:
        for name, meaning in (describe() | content_names()).items():
            print(f"{{{{ {name} }}}}  {meaning}")
        return 0
    for name, (value, meaning) in authority_placeholders(workspace, args.slug).items():
        print(f"{{{{ {name} }}}} = {value}  ({meaning})")
    return 0


def _import(args: argparse.Namespace, workspace: Workspace) -> int:
    from yjnb.importers import import_lait, import_yjb

    importer = {"lait": import_lait, "yjb": import_yjb}[args.kind]
    result = importer(args.file, workspace.data_dir, replace=args.replace)
    print(result.report())
    return 0


STRICT_HELP = (
    "fail on warnings too: data-quality notes (figures that disagree with one another, "
    "stated totals that are not the sum of their parts) and missing narrative files"
)
FINAL_HELP = (
    "refuse a draft: a plan with guidance or stand-in text left in, a narrative file or "
    "section missing, or an empty kpis.csv; each missing part is listed"
)
IMPORT_KINDS = {
    "lait": "a DfE Local Authority Interactive Tool long-format download (.csv, .xlsx, .ods)",
    "yjb": "a YJB local-level open data table (.ods, .xlsx, .csv)",
}
COMMANDS = {
    "run": _run,
    "preview": _preview,
    "validate": _validate,
    "new": _new,
    "placeholders": _placeholders,
    "import": _import,
}
