"""Case report and target briefs: HTML safety, PDF text and rendering, French, .eml."""

from __future__ import annotations

import csv
import email
import email.policy
import re
import subprocess
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader

from cibwatch import outputs
from cibwatch.outputs.i18n import STRINGS
from outputs_fixtures import FORMULA, build


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Tags:
    p = Tags()
    p.feed(html)
    return p


@pytest.fixture
def built(store):
    build(store)
    return store


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_report_html_inert_and_self_contained(built, tmp_path):
    html_p, pdf_p = outputs.write_report(built, "c1", tmp_path)
    html = html_p.read_text()
    p = parse(html)
    names = [t for t, _ in p.tags]
    assert "script" not in names and "img" not in names and "link" not in names
    assert "<script>alert(1)</script>" in "".join(p.text)  # shown as text
    assert any(
        a.get("http-equiv") == "Content-Security-Policy" and "default-src 'none'" in a["content"]
        for t, a in p.tags
        if t == "meta"
    )
    for _t, a in p.tags:
        assert "src" not in a
        if "href" in a:
            assert re.fullmatch(r"https://x\.com/i/status/\d+", a["href"])
    assert "hxxps://evil[.]example[.]com" in html and "https://evil.example.com" not in html
    assert names.count("svg") == 3
    for heading in (
        "Timeline",
        "Ottawa vs Beijing",
        "Narratives",
        "Targets reached",
        "Accounts",
        "Evidence",
        "Threat assessment",
        "Method and parameters",
        "T0049.004",
        "Spamouflage",
    ):
        assert heading in html


def test_report_pdf_text_and_png(built, tmp_path):
    pdf_p = outputs.write_report(built, "c1", tmp_path, formats=("pdf",))[0]
    text = pdf_text(pdf_p)
    assert "Case report" in text and "<script>alert(1)</script>" in text and "HYPERLINK" in text
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf_p), str(tmp_path / "page")], check=True
    )
    png = next(tmp_path.glob("page*.png"))
    from PIL import Image

    im = Image.open(png).convert("L")
    lo, hi = im.getextrema()
    assert hi - lo > 100  # not blank


def test_report_with_empty_profile(built, tmp_path):
    built.execute("UPDATE campaigns SET profile = NULL")
    html = outputs.write_report(built, "c1", tmp_path, formats=("html",))[0].read_text()
    assert "24 messages" in html


def test_brief_french_throughout(built, tmp_path):
    h, pdf_p, eml = outputs.write_brief(built, "mp-fr", tmp_path)
    html = h.read_text()
    text = " ".join(parse(html).text)
    en_fr_same = {k for k in STRINGS["en"] if STRINGS["en"][k] == STRINGS["fr"][k]}
    for key, en in STRINGS["en"].items():
        if key not in en_fr_same and "{" not in en:
            assert en not in text, key
    assert "Niveau de menace" in text and "nuisance" in text
    assert re.search(r"Depuis le 2 octobre 2026", text)
    assert "Janvier" not in text and "October" not in text
    assert "Niveau de menace" in pdf_text(pdf_p)


def test_brief_eml_parses_with_pdf(built, tmp_path):
    _, _, eml = outputs.write_brief(built, "mp-en", tmp_path)
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert msg["To"] == "jane@example.org"
    assert msg["Subject"] == "Coordinated inauthentic comments targeting Jane Doe"
    body = msg.get_body(("plain",)).get_content()
    assert "two-factor" in body and "harassment" in body
    assert "<script>" not in "".join(t for t, _ in parse(msg.get_body(("html",)).get_content()).tags)
    atts = [p for p in msg.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(atts) == 1 and atts[0].get_content().startswith(b"%PDF")


def test_brief_lang_override_and_assessment(built, tmp_path):
    h = outputs.write_brief(built, "mp-fr", tmp_path, lang="en")[0]
    t = h.read_text()
    assert "How the threat was assessed" in t and "on 12 messages" in t and "violence_lexicon" in t


def test_cli_report_and_brief(tmp_path, cli):
    from cibwatch import Store

    db = tmp_path / "s.duckdb"
    with Store(str(db)) as s:
        build(s)
    r = cli("report", "all", "--out", str(tmp_path / "r"), "--format", "html", "--db", str(db))
    assert r.exit_code == 0 and r.stdout.strip().endswith("report-c1.html")
    r = cli("brief", "--target", "all", "--out", str(tmp_path / "b"), "--db", str(db))
    assert r.exit_code == 0 and "brief-mp-fr-fr.eml" in r.stdout and "brief-mp-en-en.pdf" in r.stdout
    r = cli("report", "c1", "--out", str(tmp_path / "r"), "--format", "docx", "--db", str(db))
    assert r.exit_code == 1 and "formats" in r.stderr


def test_formula_in_csv_neutralised(built, tmp_path):
    built.execute("UPDATE accounts SET handle = ? WHERE account_id = '101'", [FORMULA])
    c = outputs.write_referral(built, "x", tmp_path)[0]
    vals = [v for row in csv.reader(c.open()) for v in row]
    assert "'" + FORMULA in vals and FORMULA not in vals
