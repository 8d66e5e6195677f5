"""A page is what yjnb's template writes: no stock text alternatives, no re-parsing."""

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter

from yjnb.inputs.config import Section
from yjnb.publish.outputs import Executed, PageExporter, render_page


def output(html: str, **yjnb) -> nbformat.NotebookNode:
    meta = {"yjnb": {"profile": "public", **yjnb}}
    return nbformat.v4.new_output("display_data", data={"text/html": html}, metadata=meta)


def page_of(html: str = "", notebook: nbformat.NotebookNode | None = None) -> str:
    if notebook is None:
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [nbformat.v4.new_code_cell("plan.show(x)", outputs=[output(html)])]
    section = Section("04_performance", "Performance over the previous year")
    return render_page(
        [Executed(section, notebook, 0.0)], "public", "Appendix", "Example YJS", ["Footer."]
    )


def test_a_page_shows_its_own_profiles_outputs_and_leaves_the_notebook_whole():
    outputs = [
        output("<p>For the public.</p>"),
        output("<p>For the board.</p>", profile="board"),
        output("<p>Exported only.</p>", export_only=True),
        nbformat.v4.new_output("stream", text="Printed.\n"),
    ]
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("plan.show(x)", outputs=outputs)]
    page = page_of(notebook=notebook)
    assert "For the public." in page
    assert not any(text in page for text in ("For the board", "Exported only", "Printed"))
    assert notebook.cells[0].outputs == outputs  # published as executed


def test_outputs_are_published_as_written():
    html = '<figure><img src="data:image/png;base64,AAAA" alt="Bar chart: rates fell.">'
    page = page_of(html + "<p>Rates fell &amp; rose.</p></figure>")
    assert html in page and "<p>Rates fell &amp; rose.</p>" in page
    assert "No description has been provided" not in page


@pytest.mark.parametrize("image", ['<img src="x.png">', '<IMG SRC="x.png" title="alt=no">'])
def test_an_image_without_a_text_alternative_is_an_error(image):
    with pytest.raises(ValueError, match="no text alternative"):
        page_of(f"<p>{image}</p>")


def _resources() -> dict:
    page = {"title": "Appendix", "authority": "Example YJS", "profile": "public"}
    page |= {"profile_note": "Note.", "profile_label": "Public version", "downloads": []}
    return {"yjnb": page | {"sections": [{"id": "a", "title": "A"}], "footer": ["Footer."]}}


def test_the_pinned_nbconvert_html_exporter_adds_only_its_re_parse_to_a_page():
    # PageExporter calls TemplateExporter's public from_notebook_node and so skips what
    # HTMLExporter's adds: the re-parse, and a format choice that knows widgets. If the pinned
    # nbconvert's HTMLExporter did anything more to a page, the two would differ here.
    svg = '<img src="data:image/svg+xml;base64,AAAA" alt="Line chart: rates fell.">'
    data = [
        {"text/html": f"<figure>{svg}<p>A &amp; B<br></p></figure>", "text/plain": "fallback-xyz"},
        {"text/plain": "Only text <here>."},
        {"text/markdown": "*md*", "text/html": "<p>html wins</p>", "image/png": "AAAA"},
    ]
    notebook = nbformat.v4.new_notebook()
    notebook.metadata = {"language_info": {"name": "python"}}
    outputs = [nbformat.v4.new_output("display_data", data=d) for d in data]
    notebook.cells = [nbformat.v4.new_code_cell("plan.show(x)", outputs=outputs)]
    ours, _ = PageExporter().from_notebook_node(notebook, resources=_resources())
    theirs, _ = HTMLExporter.from_notebook_node(PageExporter(), notebook, resources=_resources())
    assert "html wins" in ours and "Only text &lt;here&gt;." in ours and "fallback-xyz" not in ours
    assert str(BeautifulSoup(ours, features="html.parser")) == theirs
