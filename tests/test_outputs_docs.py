"""Case report and target briefs, on a store written by the real pipeline (simulate → ingest → detect).

The store plants two hostile comments as ordinary replies of campaign
accounts (see ``outputs_fixtures``); the tests check they come out inert in
HTML, e-mail and PDF, and that the documents say what the pipeline found.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
import subprocess
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader

from cibwatch import outputs
from cibwatch.errors import ParameterError
from cibwatch.outputs.i18n import STRINGS
from cibwatch.outputs.report import SECTIONS
from outputs_fixtures import CASE_NAME, FORMULA, SCRIPT, build, shared_real

ALLOWED_HREF = re.compile(
    r"#[a-z]+|https://x\.com/i/status/\d+|https://x\.com/i/user/\d+|https://x\.com/[A-Za-z0-9_]+"
    r"|https://www\.facebook\.com/[0-9_]+|https://disarmframework\.herokuapp\.com/technique/T[0-9_]+"
)
EN_WORDS = {"the", "and", "of", "to", "with", "your", "you", "were", "was", "from", "what", "how", "this", "that"}


class Page(HTMLParser):
    """Tags, all text, and the report's own words: the text outside adversary messages (``blockquote``, ``.msg``),
    their metadata (``.meta``), parameters (``.kv``) and DISARM's English technique names (``.term``)."""

    SKIP = {"msg", "meta", "kv", "term"}

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.own: list[str] = []
        self._stack: list[bool] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag in ("meta", "br", "link", "img", "input"):
            return
        classes = set((a.get("class") or "").split())
        self._stack.append(tag in ("blockquote", "style", "title") or bool(classes & self.SKIP))

    def handle_endtag(self, tag):
        if self._stack:
            self._stack.pop()

    def handle_data(self, data):
        self.text.append(data)
        if not any(self._stack):
            self.own.append(data)


def read_html(path) -> str:
    """The page's source without the ``<wbr>`` break hints, which split long runs of text."""
    return path.read_text(encoding="utf-8").replace("<wbr>", "")


def parse(html: str) -> Page:
    p = Page()
    p.feed(html)
    return p


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def pdf_fonts(path) -> set[str]:
    out = set()
    for page in PdfReader(str(path)).pages:
        for f in ((page.get("/Resources") or {}).get("/Font") or {}).values():
            out.add(str(f.get_object().get("/BaseFont")).split("+", 1)[-1])
    return out


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    return shared_real(tmp_path_factory)


@pytest.fixture(scope="module")
def report(real, tmp_path_factory):
    case, store = real
    out = tmp_path_factory.mktemp("report")
    html_p, pdf_p = outputs.write_report(store, case.campaign, out, run_id=case.run_id)
    return html_p, pdf_p, read_html(html_p)


@pytest.fixture(scope="module")
def profile(real):
    case, store = real
    row = store.query("SELECT profile, score FROM campaigns WHERE run_id = ? AND campaign_id = ?", [case.run_id, case.campaign])
    return json.loads(row[0]["profile"]) | {"_score": row[0]["score"]}


def test_strings_match_across_languages():
    from string import Formatter

    from cibwatch.outputs.strings import NAMES

    assert STRINGS["en"].keys() == STRINGS["fr"].keys()
    for key, en in STRINGS["en"].items():
        fields = {f for _, f, _, _ in Formatter().parse(en) if f}
        assert fields == {f for _, f, _, _ in Formatter().parse(STRINGS["fr"][key]) if f}, key
    for table, langs in NAMES.items():
        if table not in ("holiday",):  # French names only where English ones differ
            assert langs["en"].keys() == langs["fr"].keys(), table


# ---------------------------------------------------------------------------
# case report
# ---------------------------------------------------------------------------
def test_report_html_inert_and_self_contained(report):
    html_p, _, html = report
    assert html_p.name == "report-C01.html"
    p = parse(html)
    names = {t for t, _ in p.tags}
    assert not names & {"script", "img", "link", "iframe", "object", "embed", "form", "base"}
    assert any(
        a.get("http-equiv") == "Content-Security-Policy" and "default-src 'none'" in a["content"]
        for t, a in p.tags
        if t == "meta"
    )
    for _t, a in p.tags:
        assert "src" not in a and not any(k.startswith("on") for k in a)
        if "href" in a:
            assert ALLOWED_HREF.fullmatch(a["href"]), a["href"]
    text = "".join(p.text)
    assert SCRIPT in text  # shown as text...
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # ...never as a tag
    assert 'HYPERLINK("hxxp://x","y")' in text  # the formula's URL is defanged
    assert "vidshare[.]example" in text and "https://vidshare.example" not in html and "https://t.co" not in html
    assert [t for t, _ in p.tags].count("svg") == 3


def test_report_summary_says_what_the_pipeline_found(report, profile, real):
    case, _ = real
    text = " ".join(" ".join(parse(report[2]).text).split())
    assessment = profile["assessment"]
    assert assessment["classification"] == "state_style"
    assert "Classification: state-style" in text
    for sign in assessment["state_style_signs"]:  # each planted state-style sign, with what it means
        assert sign["meaning"] in text
    assert "UTC+8" in text and "Bengali" in text
    assert (
        "Coordinated inauthentic behaviour is a finding with evidence; linked to a known network is a separate claim "
        "with its own evidence." in text
    )
    assert f"Linked to a known network: {CASE_NAME}" in text and "2 handles and 1 domain" in text
    scale = profile["scale"]
    assert f"{scale['accounts']} accounts on X" in text
    for t in profile["targets"][:5]:
        assert t["name"] in text
    assert case.target_name in text
    for key in SECTIONS:
        assert STRINGS["en"][f"h_{key}"] in text


def test_report_score_formula_reproduces_the_stored_score(report, profile):
    text = " ".join(" ".join(parse(report[2]).text).split())
    assert "score = 1 − Π(1 − wᵢ)" in text
    m = re.search(r"Here: 1 − ((?:\(1 − [0-9.]+\)(?: × )?)+) = ([0-9]+\.[0-9]+)", text)
    assert m, "the computation is written out"
    weights = [float(w) for w in re.findall(r"\(1 − ([0-9.]+)\)", m.group(1))]
    miss = 1.0
    for w in weights:
        miss *= 1 - w
    assert abs((1 - miss) - profile["_score"]) < 5e-3
    assert m.group(2) == f"{profile['_score']:.3f}"


def test_report_timeline_hours_network_narratives(report, profile, real):
    case, store = real
    text = " ".join(" ".join(parse(report[2]).text).split())
    assert "Labour Day long weekend" in text  # the surge the scenario planted, found as a burst
    assert "Ottawa" in text and "Beijing" in text and "UTC+8 (Beijing / Hong Kong / Taipei)" in text
    top = profile["timeline"]["targets"][0]
    assert any(b["z"] for b in top["bursts"])
    clusters = profile["narratives"]["clusters"]
    assert len(clusters) >= 3
    first = clusters[0]["representative"].split(" https://")[0]
    assert first in text
    assert any(k["term"] in text for k in profile["narratives"]["key_terms"][:3])
    assert re.search(r"hxxps://vidshare\[\.\]example/watch\?v=\w+ \d+ \d+", text)  # pages grouped, counted
    for h in case.hijacked[:2]:
        assert f"hijacked (was @{h['old_handle']}" in text
    n_accounts = store.query(
        "SELECT count(*) AS n FROM campaign_accounts WHERE run_id = ? AND campaign_id = ?", [case.run_id, case.campaign]
    )[0]["n"]
    assert len(re.findall(r'<a href="https://x\.com/(?!i/)\w+" rel', report[2])) == n_accounts  # a profile link each


def test_report_pdf_text_fonts_and_png(report, tmp_path, profile):
    _, pdf_p, _ = report
    text = pdf_text(pdf_p)
    assert "Case report: campaign C01" in text
    assert SCRIPT in text and "HYPERLINK" in text  # inert text in the PDF
    flat = " ".join(text.split())
    assert profile["narratives"]["clusters"][0]["representative"][:50] in flat
    assert "温哥华" in text  # Chinese narratives survive extraction
    fonts = pdf_fonts(pdf_p)
    # Bengali (hijacked accounts' earlier posts), Chinese and emoji each drawn with a font that has them: no tofu
    assert {"Noto-Sans", "Noto-Sans-CJK-SC", "Noto-Sans-Bengali", "Noto-Color-Emoji"} <= fonts
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "2", str(pdf_p), str(tmp_path / "page")], check=True)
    from PIL import Image

    pngs = sorted(tmp_path.glob("page*.png"))
    assert len(pngs) == 2
    for png in pngs:
        lo, hi = Image.open(png).convert("L").getextrema()
        assert hi - lo > 100  # not blank


def test_report_in_french(real, tmp_path):
    case, store = real
    (p,) = outputs.write_report(store, case.campaign, tmp_path, formats=("html",), run_id=case.run_id, lang="fr")
    assert p.name == "report-C01-fr.html"
    page = parse(read_html(p))
    own = " ".join(" ".join(page.own).split())
    assert "Synthèse" in own and "Heure de la journée : Ottawa et Pékin" in own
    assert "Classement : de type étatique" in own and "un horaire de bureau dans un fuseau horaire étranger" in own
    assert "Le comportement inauthentique coordonné est un constat étayé par des preuves" in own
    assert re.search(r"Du \d{1,2}(er)? août 2023 au \d{1,2} septembre 2023", own)
    for t in store.query("SELECT DISTINCT name, role, party FROM targets"):  # the watch-list's own words are data
        for v in t.values():
            own = own.replace(v or "\0", " ")
    fr = STRINGS["fr"]
    for key, en in STRINGS["en"].items():
        if en != fr[key] and "{" not in en and len(en) > 3:
            assert not re.search(rf"(?<!\w){re.escape(en)}(?!\w)", own), key


def test_report_without_profile_and_hostile_names(store, tmp_path):
    build(store)  # hand-made run: no profile, a handle with quotes, a display name that is a script tag
    (p,) = outputs.write_report(store, "c1", tmp_path, formats=("html",))
    html = read_html(p)
    text = " ".join(" ".join(parse(html).text).split())
    assert "6 accounts on X posted 24 messages" in text
    assert "Classification: unattributed coordination" in text
    assert 'href="https://x.com/i/user/100"' in html  # the unsafe handle is not put in a URL
    assert "<script>" not in html and SCRIPT in text
    assert "hxxps://evil[.]example[.]com" in html and "https://evil.example.com" not in html
    with pytest.raises(ParameterError, match="lang"):
        outputs.write_report(store, "c1", tmp_path, formats=("html",), lang="de")


# ---------------------------------------------------------------------------
# briefs
# ---------------------------------------------------------------------------
def test_brief_english_with_planted_comments_inert(real, tmp_path):
    case, store = real
    html_p, pdf_p, eml_p = outputs.write_brief(store, case.target, tmp_path, run_id=case.run_id)
    assert html_p.name == f"brief-{case.target}-en.html"
    html = read_html(html_p)
    page = parse(html)
    assert not {t for t, _ in page.tags} & {"script", "img", "link", "iframe"}
    assert "<script>alert" not in html
    quotes = " ".join(page.text)
    assert SCRIPT in quotes and 'HYPERLINK("hxxp://x","y")' in quotes
    th = store.query("SELECT level, checked FROM threats WHERE run_id = ? AND target_id = ?", [case.run_id, case.target])[0]
    checked = json.loads(th["checked"])
    own = " ".join(" ".join(page.own).split())
    assert f"Dear {case.target_name}," in own
    assert f"We checked {checked['messages']} messages directed at you" in own
    assert f"{checked['from_campaign']} from the network and {checked['from_others']} from other accounts" in own
    assert STRINGS["en"][th["level"]] in own and "accusations of crime or corruption" in own
    text = pdf_text(pdf_p)
    assert SCRIPT in text and "HYPERLINK" in text and "two-factor" in text
    msg = email.message_from_bytes(eml_p.read_bytes(), policy=email.policy.default)
    tgt = store.query("SELECT contact FROM targets WHERE target_id = ? LIMIT 1", [case.target])[0]
    assert msg["To"] == tgt["contact"] and msg["Subject"] == f"Coordinated inauthentic comments targeting {case.target_name}"
    assert msg["Content-Language"] == "en" and msg["Date"] and msg["Message-ID"]
    body = msg.get_body(("plain",)).get_content()
    assert "two-factor" in body and SCRIPT in body and f"We checked {checked['messages']}" in body
    assert "script" not in {t for t, _ in parse(msg.get_body(("html",)).get_content()).tags}
    atts = [p for p in msg.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(atts) == 1 and atts[0].get_content().startswith(b"%PDF")


def test_brief_french_throughout(real, tmp_path):
    case, store = real
    h, pdf_p, eml = outputs.write_brief(store, case.fr_target, tmp_path, run_id=case.run_id)
    assert h.name.endswith("-fr.html")
    page = parse(read_html(h))
    own = " ".join(" ".join(page.own).split())
    fr = STRINGS["fr"]
    for key, en in STRINGS["en"].items():
        if en != fr[key] and "{" not in en and len(en) > 3:
            assert not re.search(rf"(?<!\w){re.escape(en)}(?!\w)", own), key
    words = set(re.findall(r"[a-z]+", own.lower()))
    assert not words & EN_WORDS, words & EN_WORDS  # no English sentence outside the quoted messages
    assert "Niveau de menace" in own and "Nous avons vérifié" in own and "Ce que vous pouvez faire" in own
    assert re.search(r"\b\d{1,2}(er)? (août|septembre) 2023\b", own)
    assert not re.search(r"\b(August|September|Monday|Tuesday)\b", own)
    assert "Niveau de menace" in pdf_text(pdf_p)
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert msg["Subject"].startswith("Commentaires inauthentiques coordonnés visant")
    body = msg.get_body(("plain",)).get_content()
    assert "Nous avons vérifié" in body and "authentification à deux facteurs" in body


def test_brief_safety_threat_quotes_the_message(real, tmp_path):
    case, store = real
    safety = store.query(
        "SELECT target_id, messages FROM threats WHERE run_id = ? AND level = 'safety' ORDER BY target_id", [case.run_id]
    )
    assert safety, "the scenario plants a doxxing message"
    tid = safety[0]["target_id"]
    flagged = [m for m in json.loads(safety[0]["messages"]) if m["level"] == "safety"]
    h = outputs.write_brief(store, tid, tmp_path, run_id=case.run_id, lang="fr")[0]
    page = parse(read_html(h))
    own = " ".join(" ".join(page.own).split())
    assert "menace pour la sécurité" in own and "Communiquez dès maintenant avec la police locale" in own
    assert "divulgation de coordonnées personnelles (menace pour la sécurité) : 1 message" in own
    assert flagged[0]["text"] in " ".join(page.text)


def test_brief_lang_override_and_errors(real, tmp_path):
    case, store = real
    h = outputs.write_brief(store, case.fr_target, tmp_path, run_id=case.run_id, lang="en")[0]
    assert h.name.endswith("-en.html") and "How the threat was assessed" in read_html(h)
    with pytest.raises(ParameterError, match="lang"):
        outputs.write_brief(store, case.fr_target, tmp_path, run_id=case.run_id, lang="es")


def test_cli_report_and_brief(real, tmp_path, cli):
    case, _ = real
    db = str(case.path)
    r = cli("report", case.campaign, "--out", str(tmp_path / "r"), "--format", "html", "--lang", "fr", "--db", db)
    assert r.exit_code == 0 and r.stdout.strip().endswith("report-C01-fr.html")
    r = cli("brief", "--target", case.fr_target, "--out", str(tmp_path / "b"), "--db", db)
    assert r.exit_code == 0 and r.stdout.split() == [
        str(tmp_path / "b" / f"brief-{case.fr_target}-fr.{ext}") for ext in ("html", "pdf", "eml")
    ]
    r = cli("report", case.campaign, "--out", str(tmp_path / "r"), "--format", "docx", "--db", db)
    assert r.exit_code == 1 and "formats" in r.stderr


def test_cli_brief_all_on_a_small_store(tmp_path, cli):
    from cibwatch import Store

    db = tmp_path / "s.duckdb"
    with Store(str(db)) as s:
        build(s)
    r = cli("brief", "--target", "all", "--out", str(tmp_path / "b"), "--db", str(db))
    assert r.exit_code == 0, r.stderr
    assert "brief-mp-fr-fr.eml" in r.stdout and "brief-mp-en-en.pdf" in r.stdout
    fr = read_html(tmp_path / "b" / "brief-mp-fr-fr.html")
    assert "non évalué" in fr and FORMULA.replace("http://", "hxxp://") in fr.replace("&#34;", '"')


def test_long_runs_get_break_hints_and_stay_escaped():
    from cibwatch.outputs.render import WBR_EVERY, wbr

    token = "<b>" + "x" * 100 + "</b>"
    out = str(wbr("short words " + token + " tail"))
    assert out.startswith("short words ") and out.endswith(" tail")
    assert "<b>" not in out.replace("<wbr>", "")
    assert out.replace("<wbr>", "") == "short words &lt;b&gt;" + "x" * 100 + "&lt;/b&gt; tail"
    pieces = out.split(" ")[2].split("<wbr>")
    assert len(pieces) > 1 and all(len(x.replace("&lt;", "<").replace("&gt;", ">")) <= WBR_EVERY for x in pieces)
    assert str(wbr("a b c")) == "a b c" and str(wbr(None)) == ""
