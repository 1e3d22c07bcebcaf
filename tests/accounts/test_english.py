"""The English translation: complete, compiled, and shown after the footer language switch.

Indonesian stays the default for visitors without the language cookie.
"""

import ast
import gettext
import re

import pytest
from django.conf import settings
from django.utils import translation

PO_PATH = settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.mo"


def _parse_po(path):
    """A minimal .po reader (standard library only): a list of entries as dicts.

    Each entry has "msgctxt", "msgid", "msgid_plural", "msgstr" (a dict of form index → text;
    index None for a non-plural entry), "flags" and "obsolete".
    """
    entries = []
    entry = None
    key = None

    def start():
        return {
            "msgctxt": None,
            "msgid": None,
            "msgid_plural": None,
            "msgstr": {},
            "flags": set(),
            "obsolete": False,
        }

    def finish():
        if entry is not None and entry["msgid"] is not None:
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            continue
        if line.startswith("#,"):
            if entry is not None and entry["msgid"] is not None:
                finish()
                entry = None
            entry = entry or start()
            entry["flags"].update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
        if match:
            keyword, index, literal = match.groups()
            if keyword in ("msgctxt", "msgid") and entry is not None and entry["msgid"] is not None:
                finish()
                entry = None
            entry = entry or start()
            entry["obsolete"] = entry["obsolete"] or obsolete
            text = ast.literal_eval(literal)
            if keyword.startswith("msgstr"):
                key = ("msgstr", int(index) if index is not None else None)
                entry["msgstr"][key[1]] = text
            else:
                key = (keyword, None)
                entry[keyword] = text
            continue
        if line.startswith('"') and entry is not None and key is not None:
            text = ast.literal_eval(line)
            if key[0] == "msgstr":
                entry["msgstr"][key[1]] += text
            else:
                entry[key[0]] += text
    finish()
    return entries


def _messages():
    """The translatable entries (everything except the header and obsolete entries)."""
    return [e for e in _parse_po(PO_PATH) if e["msgid"] != "" and not e["obsolete"]]


def _edges(text):
    """Leading and trailing whitespace of a message."""
    return text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]


PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")


def test_the_english_catalog_is_large_and_fully_translated():
    messages = _messages()
    assert len(messages) > 1000
    untranslated = [e["msgid"] for e in messages if not all(e["msgstr"].values()) or not e["msgstr"]]
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []
    header = next(e for e in _parse_po(PO_PATH) if e["msgid"] == "")
    assert "fuzzy" not in header["flags"]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header["msgstr"][None]


def test_translations_keep_every_placeholder_and_plural_form():
    for e in _messages():
        if e["msgid_plural"] is not None:
            assert set(e["msgstr"]) == {0, 1}, e["msgid"]
            pairs = [(e["msgid"], e["msgstr"][0]), (e["msgid_plural"], e["msgstr"][1])]
        else:
            pairs = [(e["msgid"], e["msgstr"][None])]
        for source, target in pairs:
            assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(target)), source
            assert _edges(source) == _edges(target), source


def test_the_compiled_catalog_matches_the_po_file():
    """django.mo is compiled from the current django.po (run `manage.py compilemessages`)."""
    with MO_PATH.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for e in _messages():
        if e["msgid_plural"] is not None:
            assert compiled.ngettext(e["msgid"], e["msgid_plural"], 1) == e["msgstr"][0], e["msgid"]
            assert compiled.ngettext(e["msgid"], e["msgid_plural"], 5) == e["msgstr"][1], e["msgid"]
        elif e["msgctxt"] is not None:
            assert compiled.pgettext(e["msgctxt"], e["msgid"]) == e["msgstr"][None], e["msgid"]
        else:
            assert compiled.gettext(e["msgid"]) == e["msgstr"][None], e["msgid"]


def test_django_serves_the_english_translation():
    with translation.override("en"):
        assert translation.gettext("Penyedia") == "Vendor"
        assert translation.gettext("Keranjang Anda kosong.") == "Your cart is empty."
        assert translation.ngettext("%(n)s produk", "%(n)s produk", 3) % {"n": 3} == "3 products"
        assert translation.ngettext("%(n)s produk", "%(n)s produk", 1) % {"n": 1} == "1 product"
    with translation.override("id"):
        assert translation.gettext("Penyedia") == "Penyedia"


@pytest.fixture
def english_client(anon_client):
    response = anon_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert anon_client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    return anon_client


ENGLISH_PAGES = {
    "/": ["Buy local products from", "Search local products", "Register as vendor", "Sign in", "Language"],
    "/produk/": ["Product catalog", "Sort by", "Product filters", "All categories", "Minimum price (Rp)"],
    "/indeks/": ["Local product spending in", "Progress toward targets", "How it is calculated"],
    "/akun/masuk/": ["Username", "Password", "Forgot your password?", "Local business not registered yet?"],
    "/daftar/": [
        "Register as a vendor",
        "Already have an account?",
        "Repeat password",
    ],
}

INDONESIAN_LEFTOVERS = [
    "Daftar penyedia",
    "Cari produk lokal",
    "Kata sandi",
    "Bahasa</",
    "Urutkan",
    "Cara menghitung",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", list(ENGLISH_PAGES))
def test_pages_are_english_after_the_language_switch(english_client, url):
    response = english_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en">' in page
    for text in ENGLISH_PAGES[url]:
        assert text in page, f"{text!r} missing on {url}"
    for text in INDONESIAN_LEFTOVERS:
        assert text not in page, f"Indonesian {text!r} left on {url}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, text",
    [
        ("/", "Belanja produk lokal"),
        ("/produk/", "Urutkan"),
        ("/indeks/", "Cara menghitung"),
        ("/akun/masuk/", "Kata sandi"),
        ("/daftar/", "Daftar sebagai penyedia"),
    ],
)
def test_indonesian_is_the_default_without_the_cookie(anon_client, url, text):
    response = anon_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="id">' in page
    assert text in page
