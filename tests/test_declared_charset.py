"""One invalid byte in a page declared UTF-8 (issue 15, item 2) made the whole page decode as ``mac_iceland``:
curly quotes became ``‚Äú`` and claims changed kind, and nothing said so. The declared charset wins over a guess,
bad bytes are replaced, and the page's fetch row says so in ``extract_error``. Saved ``.txt`` files of a
``directory`` source are UTF-8 by convention, so the same holds for them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from crawler.sources import Source
from extractors.encoding import decode
from tests.conftest import FIXTURES, SEED_ARTICLE
from tests.crawlrun import query, run_once
from tests.httpserver import LocalServer

KYIV = (FIXTURES / "pages" / "kyiv-talks.html").read_bytes()
#: One byte that is never valid UTF-8, put in the middle of the page.
BAD = b"\xff"


def with_bad_byte(body: bytes) -> bytes:
    middle = body.index(b"</p>")
    return body[:middle] + BAD + body[middle:]


@pytest.mark.parametrize("declared", ["header", "meta"])
def test_declared_charset_wins_over_a_guess(declared: str) -> None:
    body = with_bad_byte(KYIV)
    if declared == "header":
        body = body.replace(b'<meta charset="utf-8">', b"")
    decoded = decode(body, "text/html; charset=utf-8" if declared == "header" else "text/html")
    assert decoded.charset == "utf-8"
    assert decoded.replaced == 1
    assert decoded.text == KYIV.decode("utf-8").replace("</p>", "\ufffd</p>", 1).replace(
        '<meta charset="utf-8">', "" if declared == "header" else '<meta charset="utf-8">'
    )
    assert "“" in decoded.text and "‚Äú" not in decoded.text


def test_clean_page_needs_no_replacement() -> None:
    decoded = decode(KYIV, "text/html; charset=utf-8")
    assert decoded.replaced == 0 and decoded.charset == "utf-8"


def claims_of(db: Path) -> list[tuple[str, str]]:
    return query(db, "select kind, content from claims order by start_char")


def test_bad_byte_in_a_fetched_page_is_replaced_and_recorded(
    tmp_path: Path, server: LocalServer, nlp: Language
) -> None:
    server.route("/clean", KYIV)
    server.route("/damaged", with_bad_byte(KYIV))
    clean_db, damaged_db = tmp_path / "clean.duckdb", tmp_path / "damaged.duckdb"
    run_once([Source(name="site", kind="page", url=server.url("/clean"), allow_private=True)], clean_db, nlp=nlp)
    run_once([Source(name="site", kind="page", url=server.url("/damaged"), allow_private=True)], damaged_db, nlp=nlp)
    text = query(damaged_db, "select text from articles")[0][0]
    assert "“" in text and "‚Äú" not in text
    assert [kind for kind, _ in claims_of(damaged_db)] == [kind for kind, _ in claims_of(clean_db)]
    (note,) = query(damaged_db, "select extract_error from fetches where url like '%/damaged'")[0]
    assert note is not None and "1 invalid byte sequence" in note and "utf-8" in note
    assert query(clean_db, "select extract_error from fetches where url like '%/clean'") == [(None,)]


def test_bad_byte_in_a_saved_text_file_is_replaced_and_recorded(tmp_path: Path, nlp: Language) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    raw = SEED_ARTICLE.read_bytes()
    (folder / "clean.txt").write_bytes(raw)
    cut = raw.index(b"\n\n", 200)
    (folder / "damaged.txt").write_bytes(raw[:cut] + BAD + raw[cut:])
    db = tmp_path / "claimtrack.duckdb"
    run_once([Source(name="saved", kind="directory", path=folder)], db, nlp=nlp)
    texts = dict(query(db, "select url, text from articles"))
    damaged = texts["local:saved/damaged.txt"]
    assert "“" in damaged and "‚Äú" not in damaged and "\ufffd" in damaged
    assert damaged.replace("\ufffd", "") == texts["local:saved/clean.txt"]
    notes = dict(query(db, "select url, extract_error from fetches"))
    assert notes["local:saved/clean.txt"] is None
    assert "1 invalid byte sequence" in notes["local:saved/damaged.txt"]
