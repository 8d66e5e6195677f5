"""plan.yaml's content for the pages themselves: a signed foreword and the back page.

Published plans open with a foreword signed by the chair of the management board (and
often the lead member), close the sign off with the chair's signature, and end with a back
page: who to contact, how to ask for the plan in another format or language. These models
check the form of those entries; the image files they name are read, checked and embedded
when the pages are built (yjnb/narrative/markdown.py), naming plan.yaml and the key.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, field_validator

from yjnb.inputs.plan_content import Block, Entry

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
# A BCP 47 language tag as pages mark a passage's language: 'cy', 'pl', 'zh-Hans', 'pt-BR'.
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{4})?(-([A-Z]{2}|[0-9]{3}))?$")
EMAIL = re.compile(r"[^@\s<>()\[\]]+@[^@\s<>()\[\]]+\.[^@\s<>]+")
RIGHT_TO_LEFT = ("ar", "fa", "he", "ps", "ur", "yi", "ku", "sd")


def _image_file(value: str) -> str:
    # A file in the authority's params folder, named relative to it: never a web address.
    if _SCHEME.match(value):
        raise ValueError(
            f"a file in the authority's params folder, not a web address (found '{value}')"
        )
    if not value.lower().endswith(IMAGE_SUFFIXES):
        raise ValueError(
            f"a PNG, JPEG or SVG file, named relative to params/<slug>/ (found '{value}')"
        )
    return value


ImageFile = Annotated[str, AfterValidator(_image_file)]


class Signatory(Entry):
    """Someone who signs the foreword: name, role, and optionally their signature's image."""

    name: str = Field(description="e.g. 'Jonathan Taylor'.")
    role: str | None = Field(
        default=None, description="e.g. 'Chair of the Youth Justice Management Board'."
    )
    signature: ImageFile | None = Field(
        default=None,
        description="Image of their signature: a PNG, JPEG or SVG file in params/<slug>/.",
    )


class Foreword(Block):
    """Section 1: who signs the foreword (the introduction's narrative is its text)."""

    signed_by: list[Signatory] = Field(min_length=1, description="One or more signatories.")


class Translation(Entry):
    """One line of the back page in another language, marked with that language."""

    lang: str = Field(description="Its language, as a tag: 'cy', 'pl', 'ar', 'zh-Hans'.")
    text: str = Field(description="The line, in that language.")

    @field_validator("lang")
    @classmethod
    def _tag(cls, value: str) -> str:
        if not LANGUAGE_TAG.match(value):
            raise ValueError(
                f"a language tag such as 'cy', 'pl', 'ar' or 'zh-Hans' (found '{value}')"
            )
        return value

    @property
    def right_to_left(self) -> bool:
        """Whether the language is written right to left (Arabic, Urdu, ...)."""
        return self.lang.split("-")[0] in RIGHT_TO_LEFT


class Contact(Entry):
    """How to reach the service."""

    team: str | None = Field(default=None, description="e.g. 'Youth Justice Service'.")
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = Field(default=None, description="An https:// address.")

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not EMAIL.fullmatch(value):
            raise ValueError(f"an email address such as yjs@council.gov.uk (found '{value}')")
        return value

    @field_validator("website")
    @classmethod
    def _website(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"https?://[^\s<>\"']+", value):
            raise ValueError(f"a web address starting https:// (found '{value}')")
        return value


class BackPage(Entry):
    """The back page: contact, other formats, languages, accessibility."""

    title: str = Field(
        default="Contact us and other formats", description="The back page's heading."
    )
    contact: Contact | None = None
    alternative_formats: str | None = Field(
        default=None,
        description="How to ask for the plan in another format (large print, Braille, audio, "
        "easy read). Markdown.",
    )
    translation: str | None = Field(
        default=None, description="How to ask for it in another language, in English. Markdown."
    )
    languages: list[Translation] = Field(
        default_factory=list, description="The same offer in other languages, one a line."
    )
    accessibility: str | None = Field(
        default=None, description="An accessibility statement, or where to find one. Markdown."
    )
