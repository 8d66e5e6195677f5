"""Signatures and the back page: plan.yaml's content for the pages, as HTML.

- A signed foreword: section 1's narrative is the foreword's text; ``foreword.signed_by``
  (name, role, and optionally an image of the signature) is shown beneath it.
- The sign off (section 14) shows ``sign_off.signature`` beneath its narrative.
- The back page (``back_page``): contact, other formats, other languages (each line marked
  with its language, so screen readers read it in that language), accessibility.

Every text is escaped or rendered from markdown with raw HTML off; images are embedded from
the authority's params folder (:func:`yjnb.narrative.markdown.params_image`).
"""

from __future__ import annotations

import html
from pathlib import Path

from yjnb.inputs.config import PlanConfig
from yjnb.inputs.plan_pages import BackPage, Contact
from yjnb.narrative.markdown import params_image, render_markdown

FOREWORD_SECTION = "01_introduction"
SIGN_OFF_SECTION = "14_sign_off"
BACK_PAGE_ID = "back-page"


def signatory_html(
    name: str, role: str | None, image: str | None, folder: Path, shown: str, key: str
) -> str:
    """One signatory: the signature's image (if any) above their name and role."""
    parts = ['<div class="yjnb-signatory">']
    if image:
        uri = params_image(image, folder, shown, key)
        alt = html.escape(f"Signature of {name}")
        parts.append(f'<img class="yjnb-signature" src="{uri}" alt="{alt}">')
    lines = [f"<strong>{html.escape(name)}</strong>"]
    if role:
        lines.append(html.escape(role))
    parts.append(f"<p>{'<br>'.join(lines)}</p></div>")
    return "".join(parts)


def signed(config: PlanConfig, section_id: str, folder: Path, shown: str) -> str:
    """What a section shows beneath its narrative: the foreword's or sign off's signatures.

    ``folder`` is the authority's params folder and ``shown`` names its plan.yaml.

    Raises
    ------
    InputError
        For a signature image that cannot be shown, naming plan.yaml and the key.
    """
    people: list[str] = []
    if section_id == FOREWORD_SECTION and config.foreword:
        people = [
            signatory_html(
                s.name, s.role, s.signature, folder, shown, f"foreword.signed_by.{i}.signature"
            )
            for i, s in enumerate(config.foreword.signed_by)
        ]
    block = config.sign_off
    if section_id == SIGN_OFF_SECTION and block and block.signature:
        role = ", ".join(part for part in (block.role, block.organisation) if part)
        people = [
            signatory_html(block.name, role, block.signature, folder, shown, "sign_off.signature")
        ]
    if not people:
        return ""
    return f'<div class="yjnb-signatories">{"".join(people)}</div>'


def back_page_html(back: BackPage | None) -> str:
    """The back page every page of the plan ends with; empty without ``back_page``."""
    if back is None:
        return ""
    parts = [
        f'<section class="yjnb-back-page" aria-labelledby="{BACK_PAGE_ID}">'
        f'<h2 id="{BACK_PAGE_ID}">{html.escape(back.title)}</h2>'
    ]
    for key in ("alternative_formats", "translation"):
        if text := getattr(back, key):
            parts.append(render_markdown(text, shown=f"plan.yaml back_page.{key}"))
    if back.languages:
        lines = "".join(
            f'<li lang="{line.lang}" dir="{"rtl" if line.right_to_left else "ltr"}">'
            f"{html.escape(line.text)}</li>"
            for line in back.languages
        )
        parts.append(f'<ul class="yjnb-languages">{lines}</ul>')
    if back.contact:
        parts.append(_contact(back.contact))
    if back.accessibility:
        shown = "plan.yaml back_page.accessibility"
        parts.append(render_markdown(back.accessibility, shown=shown))
    parts.append("</section>")
    return "".join(parts)


def _contact(contact: Contact) -> str:
    rows = []
    if contact.team:
        rows.append(("Contact", html.escape(contact.team)))
    if contact.address:
        rows.append(("Address", html.escape(contact.address)))
    if contact.phone:
        digits = "".join(c for c in contact.phone if c.isdigit() or c == "+")
        rows.append(("Telephone", f'<a href="tel:{digits}">{html.escape(contact.phone)}</a>'))
    if contact.email:
        email = html.escape(contact.email)
        rows.append(("Email", f'<a href="mailto:{email}">{email}</a>'))
    if contact.website:
        site = html.escape(contact.website)
        rows.append(("Website", f'<a href="{site}">{site}</a>'))
    items = "".join(f"<dt>{term}</dt><dd>{value}</dd>" for term, value in rows)
    return f'<dl class="yjnb-contact">{items}</dl>'
