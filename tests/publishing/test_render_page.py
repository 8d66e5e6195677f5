"""A page is what yjnb's template writes: no stock text alternatives, no re-parsing."""

import nbformat
import pytest

from yjnb.inputs.config import Section
from yjnb.publish.outputs import Executed, render_page


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
