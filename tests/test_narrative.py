import pytest

from yjnb.errors import InputError
from yjnb.narrative import fill_placeholders, render_markdown, render_narrative


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
