"""The attacker of the public KPI tables finds what a determined reader would.

Small hand-made authorities, written as the public and board profiles write kpi tables,
show that the attacker (tests/disclosure_attack.py) recovers the counts the routes a reader
has give away: a total with every other part shown, a chain of "of those" measures, the
children every KPI counts alike. Without this, its verdict of "nothing recovered" on the
bundled authorities would prove nothing.
"""

from pathlib import Path

import pandas as pd
from disclosure_attack import attack

COLUMNS = ["period", "kpi", "cohort", "measure", "category", "count", "total", "percent",
           "previous_period", "previous_count", "change", "percent_points_change",
           "change_in_words", "total_change"]  # fmt: skip
Q = "2023-24 Q3"


def write(root: Path, kpi: str, rows: list[tuple], withheld: set[str]) -> None:
    """rows: (measure, category, count); totals are added per measure."""
    records = []
    for measure in dict.fromkeys(m for m, _, _ in rows):
        mine = [(c, n) for m, c, n in rows if m == measure]
        total = sum(n for _, n in mine)
        for category, n in [*mine, ("Total", total)]:
            records.append({"period": Q, "kpi": kpi, "cohort": "all", "measure": measure,
                            "category": category, "count": n, "total": total})  # fmt: skip
    board = pd.DataFrame(records, columns=COLUMNS)
    public = board.astype(object)
    for i, row in board.iterrows():
        if f"{row['measure']}/{row['category']}" in withheld:
            public.loc[i, "count"] = "[c]"
        if f"{row['measure']}/Total" in withheld:
            public.loc[i, "total"] = "[c]"
    for profile, frame in (("board", board), ("public", public)):
        folder = root / profile / "tables"
        folder.mkdir(parents=True, exist_ok=True)
        frame.to_csv(folder / f"kpi_{kpi}.csv", index=False)
    for profile in ("board", "public"):
        headlines = root / profile / "tables" / "kpi_headlines.csv"
        if not headlines.exists():
            columns = ["kpi", "cohort", "measure", "category", "figure", "period", "count",
                       "total", "percent"]  # fmt: skip
            pd.DataFrame(columns=columns).to_csv(headlines, index=False)


def test_a_quarter_total_of_23_with_14_and_6_shown_gives_away_three_ones(tmp_path):
    rows = [("accommodation_type", "Living with parents", 14),
            ("accommodation_type", "Living with other family", 6),
            ("accommodation_type", "Foster care", 1), ("accommodation_type", "Children's home", 1),
            ("accommodation_type", "Bed and breakfast", 1),
            ("accommodation_type", "Independent living", 0)]  # fmt: skip
    withheld = {"accommodation_type/Foster care", "accommodation_type/Children's home",
                "accommodation_type/Bed and breakfast"}  # fmt: skip
    write(tmp_path, "accommodation", rows, withheld)
    verdict = attack(tmp_path).verdict()
    assert len(verdict["recovered"]) == 3 and all(v.endswith("= 1") for v in verdict["recovered"])
    # withholding the 6 as well leaves four counts adding to 9: none recovered
    write(
        tmp_path, "accommodation", rows, withheld | {"accommodation_type/Living with other family"}
    )
    assert attack(tmp_path).verdict() == {"recovered": [], "narrowed": []}


def test_an_of_those_chain_and_the_children_every_kpi_counts(tmp_path):
    # The accommodation total (10 children) is shown; mental health withholds its own total.
    # Offered (referred) counts the children with a need, so its total shown as 3 gives
    # away identified Yes = 3; every KPI counts the same 10 children, so identified No = 7.
    suitability = [("suitability", "Suitable", 9), ("suitability", "Unsuitable", 1)]
    write(
        tmp_path, "accommodation", suitability, {"suitability/Unsuitable", "suitability/Suitable"}
    )
    rows = [("identified_need", "Yes", 3), ("identified_need", "No", 7),
            ("referred", "Yes", 3), ("referred", "No", 0),
            ("attended", "Yes", 2), ("attended", "No", 1)]  # fmt: skip
    withheld = {"identified_need/Yes", "identified_need/No", "identified_need/Total",
                "referred/Yes", "attended/Yes", "attended/No", "attended/Total"}  # fmt: skip
    write(tmp_path, "mental_health", rows, withheld)
    recovered = attack(tmp_path).verdict()["recovered"]
    assert "('mental_health', '2023-24 Q3', 'all', 'identified_need', 'Yes') = 3" in recovered
    assert "('mental_health', '2023-24 Q3', 'all', 'identified_need', 'No') = 7" in recovered
    assert "('mental_health', '2023-24 Q3', 'all', 'referred', 'Yes') = 3" in recovered
    # attended Yes + No = 3 with each at least 1: 1 or 2 each, narrowed but not recovered
    narrowed = " ".join(attack(tmp_path).verdict()["narrowed"])
    assert "'attended', 'Yes'" in narrowed and "'attended', 'No'" in narrowed
