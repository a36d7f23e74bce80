"""Terminal escapes in page text (issue 15, item 4): ESC and BEL in a page reached ``claimtrack sql`` and
``claimtrack positions`` as they were, and could retitle the terminal, clear the screen or forge output lines.

Stored text loses its control characters (newlines and tabs kept); what a database from before still holds is
escaped on terminal output.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from spacy.language import Language

from claimtrack.cli import main
from crawler.sources import Source
from flows.refresh import refresh_positions
from tests.crawlrun import query, run_once
from tests.httpserver import LocalServer
from tests.positions.series import store_statement
from tests.test_warehouse import batch
from warehouse.writes import store_batch

#: Retitle the window, ring the bell, clear the screen, and a carriage return that overwrites the line with a
#: forged one; then a C1 control (CSI, which some terminals take like ESC [) and DEL.
ESCAPES = "\x1b]0;pwned\x07\x1b[2J\rFORGED LINE\x9b31m\x7f"
#: Control characters other than newline and tab (C0, DEL, C1).
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

TEXT_PAGE = (
    "date 2024-03-01\n"
    f"Talks resume{ESCAPES}\n\n"
    f"China's foreign ministry said that peace talks on Ukraine must go on{ESCAPES} without delay.\n\n"
    "\tThe ministry added that it would send an envoy to Kyiv and Moscow next week, officials said.\n"
)
HTML_PAGE = f"""<html><head><title>Envoy{ESCAPES} visit</title></head><body><article>
<h1>Envoy{ESCAPES} visit</h1>
<p>China's foreign ministry said that peace talks on Ukraine must go on{ESCAPES} without any delay at all,
and that the envoy would travel to Kyiv and Moscow in the coming days to hear both sides out.</p>
<p>Officials in Beijing said the visit was planned long before the latest fighting, and that China remains
impartial in the war, a position it has repeated at every meeting since the talks began last year.</p>
</article></body></html>"""


def test_stored_text_has_no_control_characters(tmp_path: Path, server: LocalServer, nlp: Language) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "talks.txt").write_text(TEXT_PAGE, encoding="utf-8")
    server.route("/envoy", HTML_PAGE)
    db = tmp_path / "claimtrack.duckdb"
    sources = [
        Source(name="saved", kind="directory", path=folder),
        Source(name="site", kind="page", url=server.url("/envoy"), allow_private=True),
    ]
    run_once(sources, db, nlp=nlp)
    articles = query(db, "select url, text, title from articles order by url")
    assert len(articles) == 2
    for url, text, title in articles:
        assert not CONTROL.search(text) and not CONTROL.search(title or ""), url
        assert "peace talks on Ukraine must go on" in text
    saved = next(text for url, text, _ in articles if url.startswith("local:"))
    assert "\n\n\tThe ministry added" in saved  # newlines and tabs are kept
    claims = query(db, "select content, speaker from claims")
    assert claims and not any(CONTROL.search(content + (speaker or "")) for content, speaker in claims)


def test_sql_table_escapes_control_characters(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store_batch(db, batch(f"The Brazilian foreign minister said{ESCAPES} that Brasilia would host the summit."))
    assert main(["sql", "--db", str(db), "--max-width", "200", "SELECT text FROM articles"]) == 0
    out = capsys.readouterr().out
    assert not CONTROL.search(out)
    assert "\\x1b]0;pwned\\x07" in out  # shown, not obeyed


def test_positions_escapes_control_characters(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store_statement(db, 1, "2024-01-10", "China supports a ceasefire and peace talks on Ukraine")
    store_statement(db, 2, "2024-02-12", f"China supports a ceasefire{ESCAPES} and peace talks on Ukraine")
    refresh_positions(db)
    assert main(["positions", "--db", str(db), "--government", "CHN", "--topic", "ukraine-war"]) == 0
    out = capsys.readouterr().out
    assert "ceasefire" in out
    assert not CONTROL.search(out)
    assert "\\x1b" in out
