"""Build the bundled national dataset (data/national/*.csv) from the shared reference data.

Usage: ``.venv/bin/python scripts/build_national.py [--reference DIR] [--out DIR]``

The reference data defaults to $YJNB_REFERENCE_DATA, else <repo>/../shared/reference-data; the
output to <repo>/data/national. Both are resolved from the repository, never the current
directory. Re-running on the same reference data gives byte-identical files. Every decision
taken here about the sources is explained in data/national/SOURCES.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from yjnb.errors import InputError, Problem
from yjnb.importers.common import ALIASES_COLUMNS, plain_name
from yjnb.importers.lait import (
    LAIT_MEASURES,
    dfe_number,
    parse_lait,
    read_lait,
)

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "data" / "national"

# Reference files used, relative to the reference data folder.
UTLA_LOOKUP = "ons_lookups/ltla21_utla21_ew_lookup.csv"
PFA_LOOKUP = "ons_lookups/LAD17_CSP17_PFA17_EW_lookup_Jan2017_v2.csv"
MYSOCIETY = "mysociety_la_codes/uk_local_authorities_current.csv"
NCCIS = "dfe_nccis/dfe_old_new_la_code_lookup_2023.csv"
LA_LIST = "dfe_lait/la_code_list.xlsx"
CROSSWALK = "prism_r/geo_crosswalk_la_to_yjs_pfa.csv"
POPULATION = "ons_population/ons_mid2020_pop_10_17_derived.csv"
LAIT = "dfe_lait/lait_youth_justice_subset.csv"
LAIT_DICTIONARY = "dfe_lait/lait_data_dictionary_youth_justice_rows.csv"
NEIGHBOURS = "dfe_lait/sn_may_2025.xlsx"

ENGLAND, WALES, ENGLAND_AND_WALES = "E92000001", "W92000004", "K04000001"
NATIONS = {ENGLAND: "England", WALES: "Wales", ENGLAND_AND_WALES: "England and Wales"}
LONDON = "E12000007"
UNITARY_PREFIXES = ("E06", "E08", "E09", "W06")
UPPER_TIER_TYPES = ["UA", "CTY", "MD", "LBO", "CC", "WPA"]  # mySociety local-authority-type
MYSOCIETY_COLUMNS = ["local-authority-code", "gss-code", "nice-name", "replaced-by", "nation"]
MYSOCIETY_COLUMNS += ["local-authority-type", "current-authority"]

# The crosswalk files all four Cheshire authorities under one service; the YJB reports Cheshire
# East and "Cheshire West, Halton and Warrington" as two services (see SOURCES.md).
YJS_CORRECTIONS = {
    "E06000049": "Cheshire East",
    "E06000050": "Cheshire West, Halton and Warrington",
    "E06000006": "Cheshire West, Halton and Warrington",
    "E06000007": "Cheshire West, Halton and Warrington",
}
# Which LAIT measures are read, and the LAIT defects (Dorset's number, the England row of
# FirstYJS) are defined once, in yjnb/importers/lait.py: `yjnb import lait` reads a LAIT
# download exactly as this build reads the reference copy. ReoffYO and ReoffYO15-17 are the
# reoffending rates of the 10-14 and 15-17 age bands, not of all children: not shipped.

# Figures published in a plan rather than a statistics table (../shared/seeds). Seed 003,
# Warwickshire Youth Justice Plan 2019/20, gives the custody rate per 1,000 children aged
# 10-17 for 2018/19 (printed with a % sign): Warwickshire 0.06, West Midlands 0.36, its
# statistical family 0.20 and "national" 0.31. The family is not an area of areas.csv (a
# YJB comparator family has no area type in areas.csv), so it is not shipped. The plan's "national"
# is taken as England, the nation of an English service's comparisons (see SOURCES.md).
SEED_003 = "003_672ac932354f9781.txt"
SEED_003_QUOTE = (
    "The Warwickshire custody rate per 1000 children is 0.06% compared to the West Midlands "
    "rate of 0.36%, a statistical family group rate of 0.20% and a national rate of 0.31%."
)
SEED_003_SOURCE = (
    "Warwickshire Youth Justice Plan 2019/20 (Warwickshire County Council cabinet report, "
    "2019): custody rate per 1,000 children aged 10-17 in 2018/19, as printed there (with a "
    "% sign in error)"
)
SEED_FIGURES = [
    ("E10000031", "custody_rate", "2018-04-01", "2019-03-31", "0.06", SEED_003_SOURCE),
    ("E12000005", "custody_rate", "2018-04-01", "2019-03-31", "0.36", SEED_003_SOURCE),
    ("E92000001", "custody_rate", "2018-04-01", "2019-03-31", "0.31", SEED_003_SOURCE),
]

SN_SOURCE = "DfE Children's Services Statistical Neighbours, May 2025"
POPULATION_SOURCE = (
    "ONS mid-2020 population estimates (June 2021 release), children aged 10-17 "
    "(sum of single years of age 10 to 17)"
)
POPULATION_PERIOD = ("2020-01-01", "2020-12-31")
DFE_NUMBER_SOURCE = (
    "DfE LA number (LAIT LA code list name); ONS code through the DfE NCCIS old/new LA code "
    "lookup, brought up to date through mySociety"
)
YJB_NAME_SOURCE = "PRISM-R crosswalk parent_yot_name (YJS names of the YJB 2024-25 tables)"
YJB_CORRECTION_SOURCE = "YJB service name; correction to the PRISM-R crosswalk (SOURCES.md)"
COUNTS_COLUMNS = ["area_code", "measure", "period_start", "period_end", "value", "source"]
AREAS_COLUMNS = ["code", "name", "type", "yjs_code", "pcc_code", "region_code"]


def default_reference() -> Path:
    """Reference data folder: $YJNB_REFERENCE_DATA, else <repo>/../shared/reference-data."""
    env = os.environ.get("YJNB_REFERENCE_DATA")
    return Path(env) if env else REPO.parent / "shared" / "reference-data"


def default_seeds() -> Path:
    """Published plans quoted by the build: $YJNB_SEEDS, else <repo>/../shared/seeds."""
    env = os.environ.get("YJNB_SEEDS")
    return Path(env) if env else REPO.parent / "shared" / "seeds"


def fail(file: str, message: str, value: Iterable[str] | str | None = None, **where) -> InputError:
    """One located problem with a reference file, as the project's user-facing error."""
    if value is not None and not isinstance(value, str):
        value = ", ".join(value)
    return InputError([Problem(file=file, message=message, value=value, **where)])


def read(ref: Path, name: str, columns: Iterable[str], **excel: object) -> pd.DataFrame:
    """Read a reference CSV (or xlsx) as text, checking the columns this build relies on."""
    path = ref / name
    if not path.is_file():
        raise fail(str(path), "reference file not found")
    if path.suffix == ".xlsx":
        frame = pd.read_excel(path, dtype=str, **excel).fillna("")
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise fail(name, "expected column(s) missing", column=", ".join(missing))
    return frame


def rows(frame: pd.DataFrame, *columns: str) -> Iterable[tuple]:
    """The given columns of each row, as plain tuples."""
    return frame[list(columns)].itertuples(index=False, name=None)


def yjs_slug(name: str) -> str:
    """Stable code for a multi-authority YJS: 'yjs-' and the name's words without 'and'."""
    return "yjs-" + "-".join(w for w in plain_name(name).split() if w != "and")


class Geography:
    """Current upper-tier authorities of England and Wales and what they were made from.

    Built from the ONS April 2021 LTLA-UTLA lookup. Later reorganisations (2023: Cumberland,
    Westmorland and Furness, North Yorkshire, Somerset) and earlier ones (Dorset, Bucks,
    Northants, Suffolk, Somerset West and Taunton) are followed through mySociety's
    replaced-by links, and the result is checked against mySociety's list of current councils.
    """

    def __init__(self, ref: Path):
        lookup = read(ref, UTLA_LOOKUP, ["LTLA21CD", "UTLA21CD", "UTLA21NM"])
        mysociety = read(ref, MYSOCIETY, MYSOCIETY_COLUMNS)
        gss = dict(rows(mysociety, "local-authority-code", "gss-code"))
        self.heir: dict[str, str] = {}  # former code -> the one authority that replaced it
        self.before: dict[str, list[str]] = {}  # code -> the codes it replaced
        for old, replaced_by in rows(mysociety, "gss-code", "replaced-by"):
            if old and replaced_by and "," not in replaced_by:  # split areas have no one heir
                self.heir[old] = gss[replaced_by]
                self.before.setdefault(gss[replaced_by], []).append(old)
        self.districts: dict[str, list[str]] = {}  # current authority -> its 2021 districts
        for district, county in rows(lookup, "LTLA21CD", "UTLA21CD"):
            heir = self.current(district)
            unitary = heir != district and heir.startswith(UNITARY_PREFIXES)
            upper = heir if unitary else self.current(county)
            self.districts.setdefault(upper, []).append(district)
        names = dict(rows(mysociety, "gss-code", "nice-name"))
        names.update(rows(lookup, "UTLA21CD", "UTLA21NM"))  # ONS names wherever ONS has one
        self.las = pd.DataFrame({"code": sorted(self.districts)})
        self.las["name"] = self.las["code"].map(names)
        councils = mysociety[
            (mysociety["current-authority"] == "True")
            & mysociety["nation"].isin(["England", "Wales"])
            & mysociety["local-authority-type"].isin(UPPER_TIER_TYPES)
        ]
        differ = set(councils["gss-code"]) ^ set(self.las["code"])
        if differ:
            raise fail(MYSOCIETY, "current upper-tier councils disagree with ONS", sorted(differ))

    def current(self, code: str) -> str:
        """The current authority a code now belongs to (itself if unchanged or split)."""
        while code in self.heir:
            code = self.heir[code]
        return code

    def lineage(self, code: str) -> set[str]:
        """The code and every code it was formed from."""
        return {code}.union(*(self.lineage(old) for old in self.before.get(code, [])))


def police_forces(ref: Path, geo: Geography) -> tuple[dict[str, str], dict[str, str]]:
    """Force area code of each authority, and the force names, from the ONS 2017 lookup.

    The 2017 lookup predates the 2019-2023 reorganisations, so each current authority is
    traced back to the 2017 districts it is made of. The PRISM-R crosswalk must agree.
    """
    pfa = read(ref, PFA_LOOKUP, ["LAD17CD", "PFA17CD", "PFA17NM"])
    force_of = dict(rows(pfa, "LAD17CD", "PFA17CD"))
    forces = {}
    for la, districts in geo.districts.items():
        found = {force_of[c] for d in [la, *districts] for c in geo.lineage(d) if c in force_of}
        if len(found) != 1:
            raise fail(PFA_LOOKUP, "authority not in exactly one police force area", la)
        forces[la] = found.pop()
    names = dict(rows(pfa, "PFA17CD", "PFA17NM"))
    crosswalk = read(ref, CROSSWALK, ["utla_code", "ons_pfa_name"])
    disagree = [
        code
        for code, force in rows(crosswalk, "utla_code", "ons_pfa_name")
        if names[forces[code]] != force
    ]
    if disagree:
        raise fail(CROSSWALK, "police force area differs from the ONS lookup", disagree)
    return forces, names


def dfe_numbers(ref: Path, geo: Geography) -> dict[str, str]:
    """DfE 3-digit number -> ONS code, for current English authorities, regions and England.

    The NCCIS lookup (2023) is brought up to date through mySociety successors; the numbers
    it lacks (new unitaries, City of London, Isles of Scilly) are matched by exact name.
    """
    nccis = read(ref, NCCIS, ["old_la_code", "new_la_code", "region_code", "region_name"])
    current_codes = set(geo.las["code"])
    numbers = {
        number: geo.current(code)
        for number, code in rows(nccis, "old_la_code", "new_la_code")
        if geo.current(code) in current_codes  # Cumbria was split, so it has no successor
    }
    by_name = {plain_name(n): c for c, n in rows(geo.las, "code", "name")}
    by_name.update({plain_name(n): c for c, n in rows(nccis, "region_code", "region_name")})
    by_name[plain_name(NATIONS[ENGLAND])] = ENGLAND
    la_list = read(ref, LA_LIST, ["LA Number", "LA Name"])
    for number, name in rows(la_list, "LA Number", "LA Name"):
        code = by_name.get(plain_name(name))
        if dfe_number(number) not in numbers and code and code not in numbers.values():
            numbers[dfe_number(number)] = code
    unmatched = {c for c in current_codes if c.startswith("E")} - set(numbers.values())
    if unmatched:
        raise fail(LA_LIST, "authorities without a DfE LA number", sorted(unmatched))
    return numbers


def regions(ref: Path, numbers: dict[str, str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """Region rows, and the region of each English authority (from the DfE LA list)."""
    nccis = read(ref, NCCIS, ["region_code", "region_name"])
    found = nccis[["region_code", "region_name"]].drop_duplicates()
    region_rows = found.set_axis(["code", "name"], axis=1).assign(
        type="region", region_code=ENGLAND
    )
    region_by_name = {plain_name(n): c for c, n in rows(region_rows, "code", "name")}
    region_by_name.update({"inner london": LONDON, "outer london": LONDON})
    region_of = {}
    for number, region in rows(read(ref, LA_LIST, ["LA Number", "Region"]), "LA Number", "Region"):
        code = numbers.get(dfe_number(number), "")
        if code.startswith(("E06", "E08", "E09", "E10")):
            if plain_name(region) not in region_by_name:
                raise fail(LA_LIST, "region not in the NCCIS lookup", region, column="Region")
            region_of[code] = region_by_name[plain_name(region)]
    return region_rows, region_of


def youth_justice_services(ref: Path, las: pd.DataFrame) -> dict[str, str]:
    """Name of the YJS serving each current authority (PRISM-R crosswalk, corrected).

    The crosswalk lists every unitary authority and samples of districts; an authority it does
    not list (a county none of whose districts was sampled) has a YJS of its own name.
    """
    crosswalk = read(ref, CROSSWALK, ["la_code", "utla_code", "parent_yot_name"])
    served: dict[str, set[str]] = {}
    for la, upper, yjs in rows(crosswalk, "la_code", "utla_code", "parent_yot_name"):
        served.setdefault(upper, set()).add(YJS_CORRECTIONS.get(la, yjs))
    known = set(las["code"])
    bad = sorted(c for c, names in served.items() if len(names) != 1 or c not in known)
    if bad:
        raise fail(CROSSWALK, "area unknown or split between services", bad)
    return {c: served[c].pop() if c in served else n for c, n in rows(las, "code", "name")}


def common(values: pd.Series) -> str:
    """The one value all members share, else blank."""
    return values.iloc[0] if values.nunique() == 1 else ""


def build_areas(ref: Path, geo: Geography) -> tuple[pd.DataFrame, dict[str, str]]:
    """areas.csv rows, and the DfE number -> ONS code map the DfE files need."""
    forces, force_names = police_forces(ref, geo)
    numbers = dfe_numbers(ref, geo)
    region_rows, region_of = regions(ref, numbers)
    las = geo.las.assign(
        type="la",
        pcc_code=geo.las["code"].map(forces),
        region_code=[WALES if c.startswith("W") else region_of[c] for c in geo.las["code"]],
    )
    yjs_name = youth_justice_services(ref, las)
    sizes = pd.Series(yjs_name).value_counts()
    las["yjs_code"] = [yjs_slug(yjs_name[c]) if sizes[yjs_name[c]] > 1 else "" for c in las.code]
    services = pd.DataFrame(
        {"code": code, "name": yjs_name[members["code"].iloc[0]], "type": "yjs"}
        | {"pcc_code": common(members["pcc_code"]), "region_code": common(members["region_code"])}
        for code, members in las[las["yjs_code"] != ""].groupby("yjs_code")
    )
    force_rows = pd.DataFrame(
        {"code": code, "name": force_names[code], "type": "pcc"}
        | {"region_code": common(members["region_code"])}
        for code, members in las.groupby("pcc_code")
    )
    nations = pd.DataFrame(
        {"code": code, "name": name, "type": "nation"}
        | {"region_code": "" if code == ENGLAND_AND_WALES else ENGLAND_AND_WALES}
        for code, name in NATIONS.items()
    )
    areas = pd.concat([las, services, force_rows, region_rows, nations], ignore_index=True)
    return areas.reindex(columns=AREAS_COLUMNS).fillna("").sort_values("code"), numbers


def build_population(ref: Path, areas: pd.DataFrame, geo: Geography) -> pd.DataFrame:
    """population_10_17 for every authority, region and nation (mid-2020 estimate).

    An authority created after mid-2020 gets the sum of the districts it was made from.
    """
    ons = read(ref, POPULATION, ["code", "name", "pop_10_17"])
    population = {code: int(value) for code, value in rows(ons, "code", "pop_10_17")}
    ons_names = dict(rows(ons, "code", "name"))
    out = []
    for code in areas.loc[areas["type"].isin(["la", "region", "nation"]), "code"]:
        source, value = POPULATION_SOURCE, population.get(code)
        if value is None:
            parts = geo.districts.get(code, [])
            if not parts or any(p not in population for p in parts):
                raise fail(POPULATION, "no mid-2020 population for area or its districts", code)
            value = sum(population[p] for p in parts)
            source += "; the authority did not exist in mid-2020: sum of its former districts "
            source += ", ".join(ons_names[p] for p in parts)
            counties = [c for c in geo.lineage(code) if c.startswith("E10") and c in population]
            if counties and all(population[c] == value for c in counties):
                source += f" (the former {ons_names[counties[0]]} county area)"
        out.append([code, "population_10_17", *POPULATION_PERIOD, str(value), source])
    return pd.DataFrame(out, columns=COUNTS_COLUMNS)


def build_lait(ref: Path, areas: pd.DataFrame, numbers: dict[str, str]) -> pd.DataFrame:
    """Published LAIT rates by authority and region, read as `yjnb import lait` reads them."""
    dictionary = read(ref, LAIT_DICTIONARY, ["Measure_short", "Year_Type", "Last Update"])
    read(ref, LAIT, ["Short Desc", "Years", "Values", "LA Number"])  # located errors first
    sources = {}
    for short, spec in LAIT_MEASURES.items():
        info = dictionary.set_index("Measure_short").loc[short]
        if info["Year_Type"] != spec.year_type:
            raise fail(LAIT_DICTIONARY, f"{short} is not published by {spec.year_type.lower()}",
                       info["Year_Type"], column="Year_Type")  # fmt: skip
        updated = pd.Timestamp("1899-12-30") + pd.Timedelta(days=int(info["Last Update"]))
        sources[short] = (
            f"DfE Local Authority Interactive Tool (LAIT) {short}: {spec.meaning}; from YJB/MoJ "
            f"Youth Justice Statistics; LAIT data updated {updated:%B %Y}"
        )
    names = dict(rows(read(ref, LA_LIST, ["LA Number", "LA Name"]), "LA Number", "LA Name"))
    by_number = {n: (code, names[n]) for n, code in numbers.items()}
    parsed = parse_lait(read_lait(ref / LAIT), areas, by_number, sources.__getitem__)
    errors = [p for p in parsed.problems if p.severity == "error"]
    if errors:
        raise InputError(errors)
    return parsed.rows


def build_aliases(ref: Path, areas: pd.DataFrame, numbers: dict[str, str]) -> pd.DataFrame:
    """area_aliases.csv: the DfE numbers and YJB service names the importers match."""
    la_list = read(ref, LA_LIST, ["LA Number", "LA Name"])
    names = {dfe_number(n): name for n, name in rows(la_list, "LA Number", "LA Name")}
    out = [
        ["dfe_number", number, names.get(number, ""), code, DFE_NUMBER_SOURCE]
        for number, code in numbers.items()
    ]
    crosswalk = read(ref, CROSSWALK, ["la_code", "utla_code", "parent_yot_name"])
    service = dict(rows(areas, "code", "yjs_code"))
    for la, upper, yjs in rows(crosswalk, "la_code", "utla_code", "parent_yot_name"):
        name, source = yjs, YJB_NAME_SOURCE
        if la in YJS_CORRECTIONS:
            name, source = YJS_CORRECTIONS[la], YJB_CORRECTION_SOURCE
        out.append(["yjb_name", name, name, service[upper] or upper, source])
    frame = pd.DataFrame(out, columns=ALIASES_COLUMNS).drop_duplicates(["scheme", "alias"])
    clashes = frame[frame.duplicated(["scheme", "alias"], keep=False)]
    if not clashes.empty:
        raise fail(CROSSWALK, "a service name means two areas", clashes["alias"])
    return frame.sort_values(["scheme", "alias"], key=lambda s: s.str.casefold())


def build_seed_figures(seeds: Path) -> pd.DataFrame:
    """Figures quoted from published plans, each checked against the plan's text."""
    path = seeds / SEED_003
    if not path.is_file():
        raise fail(str(path), "seed document not found (set --seeds or $YJNB_SEEDS)")
    text = " ".join(path.read_text(encoding="utf-8").split())
    if SEED_003_QUOTE not in text:
        raise fail(SEED_003, "the quoted custody rates are not in the document")
    return pd.DataFrame(SEED_FIGURES, columns=COUNTS_COLUMNS)


def build_neighbours(ref: Path, numbers: dict[str, str]) -> pd.DataFrame:
    """neighbours.csv: each authority's ten DfE statistical neighbours, closest first."""
    ranks = [f"SN{i}" for i in range(1, 11)]
    table = read(ref, NEIGHBOURS, ["LA num", *ranks], sheet_name="LA SN Groups", skiprows=2)
    # The current groups end at the first blank row; superseded ("Old SNs:") groups follow.
    blank = table.index[table["LA num"] == ""]
    table = table.loc[: blank[0] - 1] if len(blank) else table
    out = []
    for line, record in table.iterrows():
        for column in ["LA num", *ranks]:
            if dfe_number(record[column]) not in numbers:
                row = int(line) + 4  # the data start on sheet row 4
                problem = "DfE LA number with no ONS code"
                raise fail(NEIGHBOURS, problem, record[column], row=row, column=column)
        area = numbers[dfe_number(record["LA num"])]
        out += [
            [area, numbers[dfe_number(record[column])], rank, SN_SOURCE]
            for rank, column in enumerate(ranks, start=1)
        ]
    frame = pd.DataFrame(out, columns=["area_code", "neighbour_code", "rank", "source"])
    return frame.sort_values(["area_code", "rank"])


def build(reference: Path, out: Path, seeds: Path | None = None) -> dict[str, pd.DataFrame]:
    """Build every national file from ``reference`` (and ``seeds``) and write them into ``out``.

    Nothing is written unless every file builds and every code used is in areas.csv.
    """
    geo = Geography(reference)
    areas, numbers = build_areas(reference, geo)
    counts = pd.concat(
        [
            build_population(reference, areas, geo),
            build_lait(reference, areas, numbers),
            build_seed_figures(seeds or default_seeds()),
        ]
    ).sort_values(COUNTS_COLUMNS[:4])
    neighbours = build_neighbours(reference, numbers)
    aliases = build_aliases(reference, areas, numbers)
    used = set(counts["area_code"]) | set(neighbours["area_code"])
    used |= set(neighbours["neighbour_code"]) | set(aliases["area_code"])
    used |= set(areas[["yjs_code", "pcc_code", "region_code"]].to_numpy().ravel()) - {""}
    unknown = used - set(areas["code"])
    if unknown or counts.duplicated(COUNTS_COLUMNS[:4]).any() or areas["code"].duplicated().any():
        raise fail(str(out), "codes missing from areas.csv, or duplicate rows", sorted(unknown))
    files = {
        "areas.csv": areas,
        "neighbours.csv": neighbours,
        "counts.csv": counts,
        "area_aliases.csv": aliases,
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in files.items():
        frame.to_csv(out / name, index=False, lineterminator="\n", encoding="utf-8")
    return files


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=default_reference())
    parser.add_argument("--seeds", type=Path, default=default_seeds())
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    try:
        files = build(args.reference.resolve(), args.out.resolve(), args.seeds.resolve())
    except InputError as error:
        print(error, file=sys.stderr)
        return 1
    for name, frame in files.items():
        print(f"{args.out / name}: {len(frame)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
