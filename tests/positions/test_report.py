"""`claimtrack report`: self-contained, escaped (hostile page text stays text), and it renders in Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from claimtrack.cli import main
from claimtrack.report import ReportOptions, render_report
from core.articles import Article, Claim, ClaimTopic, ExtractedArticle
from crawler.sources import Source
from extractors.article import ARTICLE_EXTRACTOR_VERSION
from flows.refresh import refresh_positions
from tests.realdata import ingest_sources
from warehouse.reads import run_sql
from warehouse.writes import Batch, store_batch

HOSTILE_PAGE = (
    "date 2024-03-01 Hostile test page\n\n"
    "China's foreign ministry said that “<script>document.title='pwned'</script><img src=x onerror=alert(1)>"
    " peace talks on Ukraine must go on.”\n\n"
    "“We reject </td></table><b>bold</b> any interference in the Ukraine peace talks,” Beijing said.\n"
)


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(page)
    return parser.tags


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory, nlp: object) -> Path:
    work = tmp_path_factory.mktemp("hostile")
    pages = work / "pages"
    pages.mkdir()
    (pages / "hostile-2024-03-01.txt").write_text(HOSTILE_PAGE, encoding="utf-8")
    db = work / "claimtrack.duckdb"
    # Through the real pipeline, from an outlet whose configured name is markup too.
    ingest_sources(
        db, [Source(name="hostile", kind="directory", path=pages, outlet="<i>Evil</i> outlet")], work / "raw"
    )
    # A stored article whose URL is a script URL (a crafted feed could carry one).
    text = "China's foreign ministry said peace talks on Ukraine would resume."
    start = text.index("peace")
    claim = Claim(
        kind="indirect",
        content=text[start:-1],
        content_spans=((start, len(text) - 1),),
        cue="said",
        speaker="China's foreign ministry",
        speaker_canonical='"><svg onload=alert(1)>',
        government="CHN",
        topics=(ClaimTopic("ukraine-war", "ukraine"),),
    )
    article = Article(
        url="javascript:alert(document.domain)",
        text=text,
        published_at=datetime(2024, 3, 2, tzinfo=UTC),
        extractor_version=ARTICLE_EXTRACTOR_VERSION,
    )
    record = ExtractedArticle(
        article=article,
        source="crafted",
        outlet="Crafted",
        content_sha256=None,
        final_url=None,
        claims=[claim],
        claims_version="claims/test",
    )
    store_batch(db, Batch(run_id=None, source="crafted", articles=[record]))
    refresh_positions(db)
    return db


def test_hostile_page_text_is_escaped(hostile_db: Path) -> None:
    page, sections = render_report(hostile_db, ReportOptions())
    assert sections >= 1
    tags = tags_of(page)
    names = {tag for tag, _ in tags}
    assert not names & {"script", "img", "iframe", "object", "embed", "b", "i", "form", "base"}
    assert not [(t, a) for t, a in tags for k in a if k.startswith("on")]
    hrefs = [a["href"] for t, a in tags if t == "a"]
    assert hrefs and all(h and (h.startswith(("http://", "https://", "#"))) for h in hrefs)
    # The words are still there, as text.
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in page
    assert "&lt;i&gt;Evil&lt;/i&gt; outlet" in page
    assert "peace talks on Ukraine would resume" in page and "javascript" not in "".join(hrefs)
    assert "&quot;&gt;&lt;svg onload=alert(1)&gt;" in page
    # Defence in depth: the page forbids scripts and remote loads.
    assert "default-src &#x27;none&#x27;" in page


def test_report_is_self_contained(real_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert main(["report", "--db", str(real_db), "--government", "CHN", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    tags = tags_of(page)
    assert not [a for t, a in tags if t in ("link", "script", "img", "iframe")]
    assert not [a for t, a in tags if "src" in a]
    assert page.count("<svg") >= 1 and "CHN on ukraine-war" in page and "Key phrases" in page
    assert "<rect" in page and "impartial" in page


CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("Chromium is missing: `make test` installs it (Debian package `chromium`), or apt-get install it")
    return found


def test_report_renders_in_headless_chromium(real_db: Path, hostile_db: Path, tmp_path: Path) -> None:
    browser = chromium()
    for name, db in (("real", real_db), ("hostile", hostile_db)):
        page = tmp_path / f"{name}.html"
        assert main(["report", "--db", str(db), "--out", str(page)]) == 0
        profile = tmp_path / f"profile-{name}"
        common = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
        dom = subprocess.run(
            [*common, "--virtual-time-budget=2000", "--dump-dom", page.as_uri()],
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert dom.returncode == 0, dom.stderr[-2000:]
        rendered = tags_of(dom.stdout)
        assert "<title>claimtrack: stated positions</title>" in dom.stdout  # no script retitled the page
        assert not [t for t, _ in rendered if t in ("script", "img")]
        assert [t for t, _ in rendered if t == "rect"], "the timeline chart did not render"
        shot = tmp_path / f"{name}.png"
        done = subprocess.run(
            [*common, "--window-size=1200,1600", f"--screenshot={shot}", page.as_uri()],
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        data = shot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a blank page compresses far smaller


@pytest.fixture(scope="module")
def points_db(tmp_path_factory: pytest.TempPathFactory, nlp: object) -> Path:
    """Iran on its nuclear programme (evals/gold/series/iran): a point that shifts twice (3.67% -> 20% -> 60%) and
    another point."""
    from tests.positions.series import store_article

    db = tmp_path_factory.mktemp("points") / "claimtrack.duckdb"
    said = [
        ("2019-07-08", "Iran has passed the 3.67% uranium enrichment cap set by its landmark 2015 nuclear deal"),
        ("2020-01-05", "it will continue to cooperate with international atomic monitors"),
        ("2021-01-05", "the 20-percent enriched uranium had started at its Fordow facility"),
        ("2021-04-13", "it will begin to enrich uranium up to a 60% purity level starting from Wednesday"),
    ]
    for number, (day, words) in enumerate(said):
        store_article(
            db, number, day, [(words, "said")], government="IRN", speaker="Iran's foreign ministry",
            topic="nuclear", term="nuclear",
        )  # fmt: skip
    refresh_positions(db)
    return db


def test_report_opens_with_the_position_and_draws_a_lane_per_point(points_db: Path, tmp_path: Path) -> None:
    page, sections = render_report(points_db, ReportOptions())
    assert sections == 1
    opening = page[page.index('<div class="asof">') :]
    assert opening.startswith('<div class="asof"><strong>As of 2021-04-13, IRN says</strong> on nuclear')
    assert "60% purity level" in opening and "what changed: figure: 20% -&gt; 60%" in opening
    lanes = page[page.index('class="lanes"') : page.index("</svg>", page.index('class="lanes"'))]
    points = run_sql(points_db, "select count(distinct point_id) from statement_comparisons").rows[0][0]
    assert lanes.count('stroke-opacity="0.5"') == points >= 2  # one lane line per point
    # Each shift is a marked transition whose hover text holds the text before and after, and what changed.
    assert lanes.count('<g class="transition">') == 2
    assert "before (2021-01-05): the 20-percent enriched uranium" in lanes
    assert "after (2021-04-13): it will begin" in lanes and "what changed: figure: 20% -&gt; 60%" in lanes
    # Below the chart, the same change with both texts.
    assert '<td class="quote before">2021-01-05: the 20-percent enriched uranium' in page

    browser = chromium()
    out = tmp_path / "points.html"
    assert main(["report", "--db", str(points_db), "--out", str(out)]) == 0
    common = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run(
        [*common, "--virtual-time-budget=2000", "--dump-dom", out.as_uri()], capture_output=True, text=True, timeout=180
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    rendered = tags_of(dom.stdout)
    assert [a for t, a in rendered if t == "svg" and a.get("class") == "lanes"], "the lane chart did not render"
    assert [a for t, a in rendered if t == "g" and a.get("class") == "transition"]
    shot = tmp_path / "points.png"
    done = subprocess.run(
        [*common, "--window-size=1200,1400", f"--screenshot={shot}", out.as_uri()],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("CLAIMTRACK_KEEP_SCREENSHOT"):  # to look at it: CLAIMTRACK_KEEP_SCREENSHOT=/tmp/lanes.png
        shutil.copy(shot, os.environ["CLAIMTRACK_KEEP_SCREENSHOT"])
