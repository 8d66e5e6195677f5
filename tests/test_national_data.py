"""The bundled national dataset: rebuilt byte for byte, and spot-checked against its sources."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from yjnb.importers.common import published_number
from yjnb.importers.lait import lait_period

REPO = Path(__file__).resolve().parents[1]
NATIONAL = REPO / "data" / "national"
SCRIPT = REPO / "scripts" / "build_national.py"
GENERATED = ["areas.csv", "neighbours.csv", "counts.csv", "area_aliases.csv"]
CWHW = "yjs-cheshire-west-halton-warrington"


def reference_data() -> Path:
    """The shared reference data, or skip: it always exists in CI."""
    env = os.environ.get("YJNB_REFERENCE_DATA")
    path = Path(env) if env else REPO.parent / "shared" / "reference-data"
    if not path.is_dir():
        pytest.skip(f"reference data not found at {path} (set YJNB_REFERENCE_DATA)")
    return path


def run_script(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(NATIONAL / name, dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def build_module():
    spec = importlib.util.spec_from_file_location("build_national", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    """The script run afresh, from another directory, into a temporary folder."""
    reference = reference_data()
    out = tmp_path_factory.mktemp("national")
    result = run_script("--reference", str(reference), "--out", str(out), cwd=out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def areas() -> pd.DataFrame:
    return read("areas.csv")


@pytest.fixture(scope="module")
def counts() -> pd.DataFrame:
    return read("counts.csv")


@pytest.fixture(scope="module")
def neighbours() -> pd.DataFrame:
    return read("neighbours.csv")


@pytest.fixture(scope="module")
def raw_lait() -> pd.DataFrame:
    frame = pd.read_csv(
        reference_data() / "dfe_lait" / "lait_youth_justice_subset.csv",
        dtype=str,
        keep_default_na=False,
    )
    return frame.assign(number=frame["LA Number"].str.removesuffix(".0"))


# --- (a) the committed files are exactly what the script makes --------------------------


@pytest.mark.parametrize("name", GENERATED)
def test_rebuild_is_byte_identical(rebuilt, name):
    assert (rebuilt / name).read_bytes() == (NATIONAL / name).read_bytes()


def test_default_reference_comes_from_environment_then_repo(build_module, monkeypatch, tmp_path):
    monkeypatch.setenv("YJNB_REFERENCE_DATA", str(tmp_path))
    assert build_module.default_reference() == tmp_path
    monkeypatch.delenv("YJNB_REFERENCE_DATA")
    assert build_module.default_reference() == REPO.parent / "shared" / "reference-data"
    assert build_module.DEFAULT_OUT == NATIONAL


@pytest.mark.data
def test_missing_reference_file_is_reported_and_nothing_written(tmp_path):
    reference = reference_data()
    copy = tmp_path / "reference"
    shutil.copytree(reference, copy)
    (copy / "dfe_lait" / "sn_may_2025.xlsx").unlink()
    out = tmp_path / "out"
    result = run_script("--reference", str(copy), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 1
    assert "sn_may_2025.xlsx" in result.stderr and "not found" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


@pytest.mark.data
def test_crosswalk_splitting_a_county_between_services_is_refused(tmp_path):
    copy = tmp_path / "reference"
    shutil.copytree(reference_data(), copy)
    crosswalk = copy / "prism_r" / "geo_crosswalk_la_to_yjs_pfa.csv"
    text = crosswalk.read_text(encoding="utf-8")
    # Bromsgrove to a service of its own, while the other Worcestershire districts stay in West
    # Mercia: the county would then be split between two services.
    bromsgrove = next(line for line in text.splitlines() if line.startswith("E07000234,"))
    crosswalk.write_text(
        text.replace(bromsgrove, bromsgrove.replace(",West Mercia,derived,", ",Bromsgrove,x,")),
        encoding="utf-8",
    )
    result = run_script("--reference", str(copy), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 1
    assert "geo_crosswalk_la_to_yjs_pfa.csv" in result.stderr and "E10000034" in result.stderr


# --- helpers of the script ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "dps", "expected"),
    [
        ("18.399999999999999", None, "18.4"),
        ("40.909999999999997", 2, "40.91"),
        ("469", None, "469"),
        ("469.0", None, "469"),
        ("0", 2, "0"),
        ("33.333333", 2, "33.33"),
    ],
)
def test_published_number_removes_float_artefacts(text, dps, expected):
    assert published_number(text, dps) == expected


@pytest.mark.parametrize(
    ("year", "year_type", "period"),
    [
        ("2024", "Calendar Year", ("2024-01-01", "2024-12-31")),
        ("2023", "Financial Year", ("2022-04-01", "2023-03-31")),
    ],
)
def test_lait_period(year, year_type, period):
    assert lait_period(year, year_type) == period


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Cheshire West, Halton and Warrington", CWHW),
        ("Gwynedd and Ynys Môn", "yjs-gwynedd-ynys-mon"),
        ("Tower Hamlets and City of London", "yjs-tower-hamlets-city-of-london"),
    ],
)
def test_yjs_slug(build_module, name, slug):
    assert build_module.yjs_slug(name) == slug


# --- (b) spot checks on the committed files ----------------------------------------------


def test_files_are_utf8_with_the_spec_headers_and_unix_line_ends():
    headers = {
        "areas.csv": "code,name,type,yjs_code,pcc_code,region_code",
        "neighbours.csv": "area_code,neighbour_code,rank,source",
        "counts.csv": "area_code,measure,period_start,period_end,value,source",
        "area_aliases.csv": "scheme,alias,name,area_code,source",
    }
    for name, header in headers.items():
        raw = (NATIONAL / name).read_bytes()
        assert b"\r" not in raw
        assert raw.decode("utf-8").split("\n", 1)[0] == header


def test_cheshire_east_is_its_own_yjs(areas):
    by_code = areas.set_index("code")
    assert by_code.loc["E06000049", "yjs_code"] == ""
    group = areas.loc[areas["yjs_code"] == CWHW, "code"]
    assert sorted(group) == ["E06000006", "E06000007", "E06000050"]
    assert by_code.loc[CWHW, ["name", "type", "pcc_code", "region_code"]].tolist() == [
        "Cheshire West, Halton and Warrington",
        "yjs",
        "E23000006",
        "E12000002",
    ]


@pytest.mark.parametrize(
    ("yjs_code", "members"),
    [
        ("yjs-south-tees", ["E06000002", "E06000003"]),
        ("yjs-west-mercia", ["E06000019", "E06000020", "E06000051", "E10000034"]),
        ("yjs-leicestershire", ["E06000017", "E10000018"]),
        ("yjs-dorset-combined-yos", ["E06000058", "E06000059"]),
        ("yjs-tower-hamlets-city-of-london", ["E09000001", "E09000030"]),
        ("yjs-cwm-taf", ["W06000016", "W06000024"]),
    ],
)
def test_multi_authority_services(areas, yjs_code, members):
    assert sorted(areas.loc[areas["yjs_code"] == yjs_code, "code"]) == members


def test_every_yjs_row_has_several_members(areas):
    sizes = areas.loc[areas["type"] == "la", "yjs_code"].value_counts()
    services = areas.loc[areas["type"] == "yjs", "code"]
    assert len(services) == 16
    assert all(sizes.get(code, 0) >= 2 for code in services)
    assert set(sizes.index) - {""} == set(services)


def test_trafford_population_10_17(counts):
    row = counts[(counts["area_code"] == "E08000009") & (counts["measure"] == "population_10_17")]
    assert row[["period_start", "period_end", "value"]].values.tolist() == [
        ["2020-01-01", "2020-12-31", "26005"]
    ]


@pytest.mark.parametrize(
    ("code", "value", "districts"),
    [
        ("E06000064", "19146", "Barrow-in-Furness, Eden, South Lakeland"),
        ("E06000063", "23913", "Allerdale, Carlisle, Copeland"),
        ("E06000065", "55879", "former North Yorkshire county area"),
        ("E06000066", "51521", "former Somerset county area"),
    ],
)
def test_2023_unitaries_population_is_sum_of_former_districts(counts, code, value, districts):
    row = counts[(counts["area_code"] == code) & (counts["measure"] == "population_10_17")]
    assert row["value"].tolist() == [value]
    assert districts in row["source"].iloc[0]


def test_westmorland_and_furness(areas):
    by_code = areas.set_index("code")
    wf = by_code.loc["E06000064"]
    assert (wf["name"], wf["type"], wf["yjs_code"]) == ("Westmorland and Furness", "la", "")
    assert by_code.loc[wf["region_code"], "name"] == "North West"
    assert by_code.loc[wf["pcc_code"], ["name", "type"]].tolist() == ["Cumbria", "pcc"]


@pytest.mark.parametrize(
    ("code", "force"),
    [
        ("E06000063", "Cumbria"),
        ("E06000065", "North Yorkshire"),
        ("E06000066", "Avon and Somerset"),
        ("E06000058", "Dorset"),
        ("E06000060", "Thames Valley"),
        ("E06000061", "Northamptonshire"),
        ("E09000001", "London, City of"),
        ("W06000023", "Dyfed-Powys"),
    ],
)
def test_police_force_of_reorganised_and_special_areas(areas, code, force):
    by_code = areas.set_index("code")
    assert by_code.loc[by_code.loc[code, "pcc_code"], "name"] == force


def test_area_counts(areas):
    las = areas.loc[areas["type"] == "la", "code"]
    prefixes = las.str[:3].value_counts().to_dict()
    assert prefixes == {"E06": 63, "E08": 36, "E09": 33, "E10": 21, "W06": 22}
    assert sum(n for p, n in prefixes.items() if p.startswith("E")) == 153
    assert areas["type"].value_counts().to_dict() == {
        "la": 175,
        "pcc": 43,
        "yjs": 16,
        "region": 9,
        "nation": 3,
    }
    abolished = {"E10000002", "E10000006", "E10000009", "E10000021", "E10000023", "E10000027"}
    assert not abolished & set(areas["code"])


def test_every_code_referenced_exists_in_areas(areas, counts, neighbours):
    codes = set(areas["code"])
    assert areas["code"].is_unique
    for column in ["yjs_code", "pcc_code", "region_code"]:
        assert set(areas[column]) - {""} <= codes, column
    assert set(counts["area_code"]) <= codes
    assert set(neighbours["area_code"]) | set(neighbours["neighbour_code"]) <= codes


def test_group_columns_point_at_the_right_types(areas):
    type_of = areas.set_index("code")["type"]
    las = areas[areas["type"] == "la"]
    assert (las["pcc_code"].map(type_of) == "pcc").all()
    assert las["region_code"].map(type_of).isin(["region", "nation"]).all()
    assert (las.loc[las["code"].str.startswith("W"), "region_code"] == "W92000004").all()
    regions = areas[areas["type"] == "region"]
    assert (regions["region_code"] == "E92000001").all()


def test_no_duplicate_counts(counts):
    assert not counts.duplicated(["area_code", "measure", "period_start", "period_end"]).any()


def test_every_area_of_la_region_nation_has_a_population(areas, counts):
    wanted = set(areas.loc[areas["type"].isin(["la", "region", "nation"]), "code"])
    population = counts[counts["measure"] == "population_10_17"]
    assert set(population["area_code"]) == wanted
    assert population["value"].str.fullmatch(r"[1-9]\d*").all()


def test_measures_and_periods_are_well_formed(counts):
    assert set(counts["measure"]) == {"population_10_17", "fte_rate", "custody_rate"}
    calendar = counts[counts["measure"] != "custody_rate"]
    assert calendar["period_start"].str.fullmatch(r"\d{4}-01-01").all()
    assert calendar["period_end"].str.fullmatch(r"\d{4}-12-31").all()
    assert (counts["source"] != "").all()
    rates = counts.loc[counts["measure"] == "fte_rate", "value"]
    assert rates.str.fullmatch(r"\d+(\.\d{1,2})?").all()  # no float artefacts


def test_rows_are_sorted(areas, counts, neighbours):
    assert areas["code"].tolist() == sorted(areas["code"])
    keys = ["area_code", "measure", "period_start", "period_end"]
    assert counts[keys].values.tolist() == sorted(counts[keys].values.tolist())
    ranked = neighbours.assign(rank=neighbours["rank"].astype(int))
    assert ranked[["area_code", "rank"]].values.tolist() == sorted(
        ranked[["area_code", "rank"]].values.tolist()
    )


def test_neighbours_ranked_one_to_ten_for_every_english_authority(areas, neighbours):
    english = set(areas.loc[(areas["type"] == "la") & areas["code"].str.startswith("E"), "code"])
    assert set(neighbours["area_code"]) == english
    ranks = neighbours.groupby("area_code")["rank"].apply(lambda r: [int(x) for x in r])
    assert all(r == list(range(1, 11)) for r in ranks)
    assert (neighbours["area_code"] != neighbours["neighbour_code"]).all()
    assert set(neighbours["source"]) == {
        "DfE Children's Services Statistical Neighbours, May 2025"
    }


def test_trafford_neighbours_match_traffords_own_list(neighbours):
    # trafford_themes/cssn.csv (Trafford Data Lab): Trafford's ten statistical neighbours.
    published = ["E10000015", "E08000007", "E06000060", "E10000025", "E10000030"]
    published += ["E09000006", "E06000049", "E10000003", "E10000013", "E08000029"]
    assert neighbours.loc[neighbours["area_code"] == "E08000009", "neighbour_code"].tolist() == (
        published
    )


@pytest.mark.parametrize(
    ("la_number", "year", "code"),
    [
        ("358", "2024", "E08000009"),  # Trafford
        ("202", "2016", "E09000007"),  # Camden
        ("942", "2024", "E06000063"),  # Cumberland: not in the NCCIS lookup
        ("815", "2016", "E06000065"),  # North Yorkshire: the former county's series
        ("835", "2019", "E06000059"),  # Dorset, filed by LAIT under the pre-2019 number
        ("981", "2020", "E12000002"),  # North West region
    ],
)
def test_fte_rates_as_published(counts, raw_lait, la_number, year, code):
    raw = raw_lait[
        (raw_lait["Short Desc"] == "FirstYJS")
        & (raw_lait["number"] == la_number)
        & (raw_lait["Years"].str.strip() == year)
    ]
    shipped = counts[
        (counts["area_code"] == code)
        & (counts["measure"] == "fte_rate")
        & (counts["period_start"] == f"{year}-01-01")
    ]
    assert shipped["value"].tolist() == raw["Values"].tolist()
    assert shipped["source"].str.contains("LAIT").all()


def test_england_fte_row_is_a_sum_of_regions_so_not_shipped(counts, raw_lait):
    rates = raw_lait[raw_lait["Short Desc"] == "FirstYJS"]
    regions = [str(n) for n in range(980, 991) if n not in (986, 987, 988)] + ["986"]
    for year, rows in rates.groupby(rates["Years"].str.strip()):
        england = int(rows.loc[rows["number"] == "970", "Values"].iloc[0])
        regional = rows.loc[rows["number"].isin(regions), "Values"].astype(int)
        assert len(regional) == 9
        assert abs(england - regional.sum()) <= 2, year
    assert counts[(counts["area_code"] == "E92000001") & (counts["measure"] == "fte_rate")].empty


def test_dropped_lait_rows_are_only_missing_excluded_or_abolished(counts, raw_lait):
    published = raw_lait[(raw_lait["Short Desc"] == "FirstYJS") & (raw_lait["Values"] != "-")]
    dropped = {"970", "909", "928", "836", "837"}  # England; Cumbria, Northants, Poole, B'mouth
    assert len(counts[counts["measure"] == "fte_rate"]) == (
        len(published) - published["number"].isin(dropped).sum()
    )


# --- (c) figures quoted from published plans, and the importers' aliases ----------------


def seeds_dir() -> Path:
    env = os.environ.get("YJNB_SEEDS")
    path = Path(env) if env else REPO.parent / "shared" / "seeds"
    if not path.is_dir():
        pytest.skip(f"seeds not found at {path} (set YJNB_SEEDS)")
    return path


@pytest.mark.data
def test_warwickshire_custody_rates_are_those_printed_in_seed_003(counts):
    text = " ".join((seeds_dir() / "003_672ac932354f9781.txt").read_text().split())
    found = re.search(
        r"Warwickshire custody rate per 1000 children is ([\d.]+)% compared to the West "
        r"Midlands rate of ([\d.]+)%, a statistical family group rate of ([\d.]+)% and a "
        r"national rate of ([\d.]+)%",
        text,
    )
    assert found, "the sentence quoted by the build is no longer in seed 003"
    shipped = counts[counts["measure"] == "custody_rate"].set_index("area_code")
    assert shipped["value"].to_dict() == {
        "E10000031": found[1],  # Warwickshire
        "E12000005": found[2],  # West Midlands
        "E92000001": found[4],  # national, taken as England; the family is not an area
    }
    assert set(shipped["period_start"]) == {"2018-04-01"}
    assert set(shipped["period_end"]) == {"2019-03-31"}
    assert shipped["source"].str.contains("per 1,000").all()
    assert not shipped["source"].str.contains("100,000").any()


@pytest.mark.data
def test_build_refuses_a_seed_without_the_quoted_figures(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir(), seeds)
    seed = seeds / "003_672ac932354f9781.txt"
    seed.write_text(seed.read_text().replace("0.36%", "0.38%"))
    out = tmp_path / "out"
    result = run_script(
        "--reference", str(reference_data()), "--seeds", str(seeds), "--out", str(out),
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1
    assert "003_672ac932354f9781.txt" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


@pytest.fixture(scope="module")
def aliases() -> pd.DataFrame:
    return read("area_aliases.csv")


@pytest.mark.parametrize(
    ("scheme", "alias", "code"),
    [
        ("dfe_number", "943", "E06000064"),  # Westmorland and Furness
        ("dfe_number", "815", "E06000065"),  # North Yorkshire, number kept by the unitary
        ("dfe_number", "981", "E12000002"),  # North West region
        ("yjb_name", "Kingston-upon-Hull", "E06000010"),
        ("yjb_name", "Leicester City", "E06000016"),
        ("yjb_name", "Cheshire East", "E06000049"),
        ("yjb_name", "Cheshire West, Halton and Warrington", CWHW),
        ("yjb_name", "West Mercia", "yjs-west-mercia"),
    ],
)
def test_aliases(aliases, scheme, alias, code):
    found = aliases[(aliases["scheme"] == scheme) & (aliases["alias"] == alias)]
    assert found["area_code"].tolist() == [code]


def test_no_alias_for_the_crosswalk_four_authority_cheshire_name(aliases):
    assert not aliases["alias"].str.startswith("Cheshire East, Cheshire West").any()


def test_every_alias_is_unique_and_points_at_an_area(aliases, areas):
    assert not aliases.duplicated(["scheme", "alias"]).any()
    assert set(aliases["area_code"]) <= set(areas["code"])
