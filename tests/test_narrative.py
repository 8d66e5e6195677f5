import base64
import re

import pytest

from yjnb.errors import InputError
from yjnb.narrative.markdown import (
    IMAGE_LIMIT,
    fill_placeholders,
    image_problems,
    params_image,
    render_markdown,
    render_narrative,
)


def test_placeholders_are_filled():
    text = "Our rate was {{ fte_rate.latest }} in {{fte_rate.latest_period}}."
    values = {"fte_rate.latest": "123.4", "fte_rate.latest_period": "2023"}
    assert fill_placeholders(text, values, "n.md") == "Our rate was 123.4 in 2023."


def test_unknown_placeholder_is_an_error_naming_line():
    with pytest.raises(InputError) as caught:
        fill_placeholders("fine\nrate {{ fte_rat.latest }}", {"fte_rate.latest": "1"}, "n.md")
    (problem,) = caught.value.problems
    assert problem.row == 2 and problem.value == "fte_rat.latest" and problem.file == "n.md"


def test_raw_html_and_scripts_are_not_passed_through():
    html = render_markdown('Hello <script>alert("x")</script> <b onclick="x">bold</b>')
    assert "<script" not in html and "<b " not in html
    assert "&lt;script&gt;" in html


def test_placeholder_values_cannot_inject_markup():
    text = fill_placeholders("{{ name }}", {"name": "<img src=x onerror=alert(1)>"}, "n.md")
    assert "<img" not in render_markdown(text)


def test_headings_sit_below_the_section_heading():
    html = render_markdown("# Vision\n\n## Detail")
    assert "<h3>Vision</h3>" in html and "<h4>Detail</h4>" in html


def test_missing_file_gives_marked_placeholder(tmp_path):
    html, found = render_narrative(tmp_path / "absent.md", {}, "params/x/narrative/absent.md")
    assert not found
    assert "Narrative to be written" in html and "params/x/narrative/absent.md" in html


# -- images: embedded from the authority's params folder, never fetched --------------------
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
SHOWN = "params/x/narrative/02_governance.md"


def _narrative(tmp_path, text):
    path = tmp_path / "params" / "x" / "narrative" / "02_governance.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _refused(tmp_path, text):
    path = _narrative(tmp_path, text)
    with pytest.raises(InputError) as caught:
        render_narrative(path, {}, SHOWN)
    (problem,) = caught.value.problems
    assert problem.file == SHOWN
    return problem


def test_remote_image_is_refused_naming_file_and_line(tmp_path):
    problem = _refused(tmp_path, "Intro.\n\nSee ![x](https://example.org/p.png) here.\n")
    assert problem.row == 3 and "remote image" in problem.message
    assert problem.value == "https://example.org/p.png"


@pytest.mark.parametrize("src", ["//example.org/p.png", "HTTP://example.org/p.png"])
def test_remote_image_without_https_is_refused(tmp_path, src):
    assert "remote image" in _refused(tmp_path, f"![x]({src})").message


@pytest.mark.parametrize("up", [0, 1])  # params/x/narrative/ or params/x/
def test_local_image_is_embedded_with_its_alt_text(tmp_path, up):
    path = _narrative(tmp_path, "# Board\n\n![Staffing structure](org.png)\n")
    (path.parents[up] / "org.png").write_bytes(PNG)
    html, _ = render_narrative(path, {}, SHOWN)
    expected = "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert f'<img src="{expected}" alt="Staffing structure"' in html


def test_missing_image_is_refused(tmp_path):
    problem = _refused(tmp_path, "one\n![Staffing structure](org.png)")
    assert problem.row == 2 and "not found" in problem.message and problem.value == "org.png"


@pytest.mark.parametrize("src", ["../../secret.png", "/etc/secret.png", "../../x/../secret.png"])
def test_image_outside_the_params_folder_is_refused(tmp_path, src):
    (tmp_path / "params" / "secret.png").parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "params" / "secret.png").write_bytes(PNG)
    (tmp_path / "secret.png").write_bytes(PNG)
    assert "outside" in _refused(tmp_path, f"![x]({src})").message


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("org.bmp", b"BM", "not an image type"),
        ("org.png", b"GIF89a", "not a PNG image"),
        ("org.png", PNG, "no text alternative"),
    ],
)
def test_unusable_image_is_refused(tmp_path, name, data, message):
    path = _narrative(tmp_path, f"![]({name})" if "alternative" in message else f"![x]({name})")
    (path.parent / name).write_bytes(data)
    with pytest.raises(InputError, match=message):
        render_narrative(path, {}, SHOWN)


def test_validate_reports_image_problems(tmp_path):
    path = _narrative(tmp_path, "![x](https://example.org/p.png)")
    (problem,) = image_problems(path.read_text(), path, SHOWN)
    assert problem.row == 1 and problem.file == SHOWN


def test_decorative_image_is_embedded_with_an_empty_text_alternative(tmp_path):
    path = _narrative(tmp_path, 'Text\n\n![](rule.png "decorative")\n')
    (path.parent / "rule.png").write_bytes(PNG)
    html, _ = render_narrative(path, {}, SHOWN)
    assert re.search(r'<img src="data:image/png;base64,[^"]+" alt="" />', html)
    assert "title=" not in html


def test_image_with_an_empty_alternative_says_how_to_mark_it_decorative(tmp_path):
    path = _narrative(tmp_path, "one\n\n![ ](org.png)")
    (path.parent / "org.png").write_bytes(PNG)
    (problem,) = image_problems(path.read_text(), path, SHOWN)
    assert problem.row == 3 and "no text alternative" in problem.message
    assert '"decorative"' in problem.expected


def test_image_over_the_size_limit_is_refused_with_its_size(tmp_path):
    path = _narrative(tmp_path, "![Structure](big.png)")
    (path.parent / "big.png").write_bytes(PNG + b"\0" * IMAGE_LIMIT)
    problem = _refused(tmp_path, "![Structure](big.png)")
    assert problem.row == 1 and "2.0 MB" in problem.message and "2 MB" in problem.message


def test_image_at_the_size_limit_is_embedded(tmp_path):
    path = _narrative(tmp_path, "![Structure](big.png)")
    (path.parent / "big.png").write_bytes(PNG + b"\0" * (IMAGE_LIMIT - len(PNG)))
    html, _ = render_narrative(path, {}, SHOWN)
    assert 'alt="Structure"' in html


CLEAN_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'width="40" height="20"><defs><linearGradient id="g"/></defs>'
    '<rect width="40" height="20" fill="url(#g)"/><use xlink:href="#g"/>'
    '<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/></svg>'
)


@pytest.mark.parametrize(
    "planted",
    [
        "<script>alert(1)</script>",
        '<rect onload="alert(1)"/>',
        '<rect  ONCLICK = "x"/>',
        '<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject>',
        '<image href="https://example.org/i.png"/>',
        '<use xlink:href="other.svg#a"/>',
        "<style>rect{fill:url(https://example.org/f.svg#p)}</style>",
        '<style>@import "https://example.org/x.css";</style>',
        '<rect style="fill: url( //example.org/p )"/>',
    ],
)
def test_svg_with_active_or_external_content_is_refused(tmp_path, planted):
    path = _narrative(tmp_path, "intro\n![Logo](logo.svg)")
    (path.parent / "logo.svg").write_text(CLEAN_SVG.replace("</svg>", planted + "</svg>"))
    problem = _refused(tmp_path, "intro\n![Logo](logo.svg)")
    assert problem.row == 2 and "script, event handlers or references" in problem.message


def test_svg_with_only_internal_references_is_embedded(tmp_path):
    path = _narrative(tmp_path, "![Logo](logo.svg)")
    (path.parent / "logo.svg").write_text(CLEAN_SVG)
    html, _ = render_narrative(path, {}, SHOWN)
    expected = base64.b64encode(CLEAN_SVG.encode()).decode()
    assert f'src="data:image/svg+xml;base64,{expected}"' in html


# -- images plan.yaml names: signatures ------------------------------------------------------


def test_params_image_is_embedded_and_problems_name_plan_yaml_and_key(tmp_path):
    folder = tmp_path / "params" / "x"
    (folder / "signatures").mkdir(parents=True)
    (folder / "signatures" / "chair.png").write_bytes(PNG)
    uri = params_image("signatures/chair.png", folder, "params/x/plan.yaml", "sign_off.signature")
    assert uri == "data:image/png;base64," + base64.b64encode(PNG).decode()
    for name, message in [
        ("absent.png", "not found"),
        ("../../outside.png", "outside"),
        ("signatures/chair.svg", "not found"),
    ]:
        with pytest.raises(InputError) as caught:
            params_image(name, folder, "params/x/plan.yaml", "sign_off.signature")
        (problem,) = caught.value.problems
        assert message in problem.message and problem.file == "params/x/plan.yaml"
        assert problem.column == "sign_off.signature" and problem.value == name


# -- one placeholder pattern for every reader of narrative ----------------------------------


def test_typed_figures_skip_exactly_the_placeholders_that_are_filled(tmp_path):
    # What fill_placeholders replaces is not typed; what it leaves on the page (a malformed
    # placeholder holding an amount) is, and is reported.
    from yjnb.narrative.typed_figures import typed_figure_problems
    from yjnb.plan import open_plan
    from yjnb.sections.resources import budget_years, rows_for

    plan = open_plan("westmorland-and-furness")
    current = rows_for(plan.local, budget_years(plan.config, plan.local)[0])
    path = tmp_path / "07_resources.md"
    quoted = "The council gives {{ budget.local_authority.total }}."
    path.write_text(f"{quoted}\n\nThe council gives {{{{ £401,233 }}}}.\n", encoding="utf-8")
    text = fill_placeholders(quoted, {"budget.local_authority.total": "£401,233"}, "n.md")
    assert text == "The council gives £401,233."  # filled: a figure the check would catch
    (problem,) = typed_figure_problems(path, "07_resources.md", current)
    assert (problem.row, problem.value) == (3, "£401,233")
