"""plan.yaml's signed foreword, sign-off signature and back page: validated, then shown."""

import base64
import re
from html.parser import HTMLParser

import pytest
from test_config import GOOD, problems, write_plan

from yjnb.errors import InputError
from yjnb.inputs.config import load_plan
from yjnb.narrative.page_content import back_page_html, signed

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
SIGN_OFF = (
    "sign_off:\n  name: Jo Bloggs\n  role: Assistant Director\n  organisation: Sefton Council\n"
    "  date: 2024-06-30\n"
)
FOREWORD = (
    "foreword:\n  signed_by:\n    - name: Jo Bloggs\n      role: Chair of the board\n"
    "      signature: signatures/jo.png\n    - name: Councillor Sam Smith\n"
)
BACK = """back_page:
  alternative_formats: For large print or Braille, call **0151 934 4444**.
  translation: For another language, call the same number.
  languages:
    - {lang: pl, text: "Aby uzyskać te informacje w swoim języku, zadzwoń"}
    - {lang: ar, text: "للحصول على هذه المعلومات بلغتك"}
  contact:
    team: Sefton Youth Justice Service
    phone: 0151 934 4444
    email: yjs@sefton.gov.uk
    website: https://www.sefton.gov.uk/yjs
  accessibility: Read our [accessibility statement](https://www.sefton.gov.uk/accessibility).
"""


# -- plan.yaml: the keys, checked with clear errors ---------------------------------------


def test_foreword_signature_and_back_page_are_read(tmp_path):
    config = load_plan(write_plan(tmp_path, GOOD + FOREWORD + SIGN_OFF + BACK), "sefton")
    assert [s.name for s in config.foreword.signed_by] == ["Jo Bloggs", "Councillor Sam Smith"]
    assert config.foreword.signed_by[0].signature == "signatures/jo.png"
    assert config.back_page.title == "Contact us and other formats"
    assert [line.lang for line in config.back_page.languages] == ["pl", "ar"]
    assert config.back_page.contact.phone == "0151 934 4444"


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        (SIGN_OFF + "  signature: https://example.org/s.png\n", "sign_off.signature",
         "not a web address"),
        (SIGN_OFF + "  signature: signature.pdf\n", "sign_off.signature", "PNG, JPEG or SVG"),
        ("foreword:\n  signed_by: []\n", "foreword.signed_by", "at least 1"),
        ("foreword:\n  signed_by:\n    - {name: A, sgnature: a.png}\n",
         "foreword.signed_by.0.sgnature", "unknown key"),
        ("back_page:\n  languages:\n    - {lang: Polish, text: x}\n",
         "back_page.languages.0.lang", "language tag"),
        ("back_page:\n  contact: {email: not an address}\n", "back_page.contact.email",
         "email address"),
        ("back_page:\n  contact: {website: 'javascript:alert(1)'}\n", "back_page.contact.website",
         "https://"),
        ("back_page:\n  phone: 0151\n", "back_page.phone", "unknown key"),
    ],
)  # fmt: skip
def test_bad_entries_are_refused_naming_line_and_key(tmp_path, text, column, fragment):
    (problem,) = problems(tmp_path, GOOD + text)
    assert problem.column == column and fragment in str(problem), str(problem)
    assert problem.row is not None and problem.row > 3


# -- signatures ----------------------------------------------------------------------------


class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.langs = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs)
        if "lang" in attrs:
            self.langs.append((attrs["lang"], attrs.get("dir")))


def _parsed(markup):
    parser = _Images()
    parser.feed(markup)
    return parser


def test_foreword_is_signed_beneath_the_introduction(tmp_path):
    params = write_plan(tmp_path, GOOD + FOREWORD)
    (params / "sefton" / "signatures").mkdir()
    (params / "sefton" / "signatures" / "jo.png").write_bytes(PNG)
    config = load_plan(params, "sefton")
    markup = signed(config, "01_introduction", params / "sefton", "params/sefton/plan.yaml")
    (image,) = _parsed(markup).images
    assert image["alt"] == "Signature of Jo Bloggs"
    assert image["src"] == "data:image/png;base64," + base64.b64encode(PNG).decode()
    names = re.findall(r"<strong>([^<]+)</strong>", markup)
    assert names == ["Jo Bloggs", "Councillor Sam Smith"]  # the second, without an image
    assert "Chair of the board" in markup
    assert signed(config, "02_governance", params / "sefton", "plan.yaml") == ""


def test_sign_off_shows_the_chairs_signature(tmp_path):
    params = write_plan(tmp_path, GOOD + SIGN_OFF + "  signature: jo.png\n")
    (params / "sefton" / "jo.png").write_bytes(PNG)
    config = load_plan(params, "sefton")
    markup = signed(config, "14_sign_off", params / "sefton", "params/sefton/plan.yaml")
    assert [i["alt"] for i in _parsed(markup).images] == ["Signature of Jo Bloggs"]
    assert "Assistant Director, Sefton Council" in markup
    assert signed(config, "01_introduction", params / "sefton", "plan.yaml") == ""


def test_a_missing_signature_file_names_plan_yaml_and_the_key(tmp_path):
    params = write_plan(tmp_path, GOOD + SIGN_OFF + "  signature: jo.png\n")
    config = load_plan(params, "sefton")
    with pytest.raises(InputError) as caught:
        signed(config, "14_sign_off", params / "sefton", "params/sefton/plan.yaml")
    (problem,) = caught.value.problems
    assert str(problem).startswith("params/sefton/plan.yaml, column 'sign_off.signature'")
    assert "not found" in problem.message and problem.value == "jo.png"


# -- the back page -------------------------------------------------------------------------


def test_back_page_shows_contact_formats_and_languages_marked_with_their_language(tmp_path):
    config = load_plan(write_plan(tmp_path, GOOD + BACK), "sefton")
    markup = back_page_html(config.back_page)
    assert markup.startswith('<section class="yjnb-back-page" aria-labelledby="back-page">')
    assert '<h2 id="back-page">Contact us and other formats</h2>' in markup
    assert "<strong>0151 934 4444</strong>" in markup  # markdown rendered
    assert _parsed(markup).langs == [("pl", "ltr"), ("ar", "rtl")]
    assert '<a href="tel:01519344444">0151 934 4444</a>' in markup
    assert '<a href="mailto:yjs@sefton.gov.uk">yjs@sefton.gov.uk</a>' in markup
    statement = '<a href="https://www.sefton.gov.uk/accessibility">accessibility statement</a>'
    assert statement in markup
    assert back_page_html(None) == ""


def test_back_page_text_cannot_carry_markup(tmp_path):
    text = (
        "back_page:\n  title: '<script>x</script>'\n  alternative_formats: '<b onclick=x>y</b>'\n"
        "  languages: [{lang: cy, text: '<i>Cymraeg</i>'}]\n"
    )
    markup = back_page_html(load_plan(write_plan(tmp_path, GOOD + text), "sefton").back_page)
    assert "<script" not in markup and "<b " not in markup and "<i>" not in markup
    assert "&lt;script&gt;" in markup and "&lt;i&gt;Cymraeg&lt;/i&gt;" in markup
