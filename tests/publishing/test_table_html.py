"""One published table as HTML: structure, notes, symbols explained, and its CSV."""

import pandas as pd

from yjnb.present.tables import Table
from yjnb.publish.spreadsheet import symbol_meanings


def table(notes=(), highlight=()):
    view = pd.DataFrame({"Area": ["Here", "There"], "Children": ["[c]", "[x]"]})
    return Table("kpi_ete", "Children in education", view, view, numeric=("Children",),
                 notes=notes, source="Returns", highlight=highlight)  # fmt: skip


def test_scrolls_in_a_labelled_focusable_region_with_scoped_headers():
    html = table().to_html()
    assert '<div class="yjnb-scroll" role="region" aria-label="Children in education" ' in html
    assert 'tabindex="0"' in html and "<caption>Children in education</caption>" in html
    assert '<th scope="col" class="num">Children</th>' in html
    assert '<th scope="row">Here</th>' in html and '<td class="num">[c]</td>' in html
    assert 'aria-describedby="notes-kpi_ete"' in html and 'id="notes-kpi_ete"' in html


def test_symbols_used_are_explained_once_with_source_and_csv_link():
    html = table().to_html()
    for symbol in ("[c]", "[x]"):
        assert f"<p><strong>{symbol}</strong>: {symbol_meanings()[symbol]}.</p>" in html
    assert "<strong>[z]</strong>" not in html  # not used, not explained
    assert "<p>Source: Returns</p>" in html
    assert '<a href="tables/kpi_ete.csv">Download this table as CSV' in html
    own = table(notes=("[c]: fewer than 6 children.",)).to_html()
    assert own.count("[c]</strong>") == 0 and "[c]: fewer than 6 children." in own


def test_own_row_is_bold_and_said_so_not_colour_alone():
    assert "The service's own row is shown in bold." not in table().to_html()
    html = table(highlight=(True, False)).to_html()
    assert '<tr class="yjnb-highlight">' in html
    assert "The service's own row is shown in bold." in html


def test_empty_table_says_so_without_a_table():
    empty = Table("none", "Reoffending", pd.DataFrame(), pd.DataFrame({"Area": []}))
    html = empty.to_html()
    assert "<table" not in html and "no figures are published" in html
