"""The real ``ingest`` flow when a page's body was extracted before under another URL: the stored extraction is
reused (text and claims copied into the new URL's article), not extracted again."""

from __future__ import annotations

from pathlib import Path

from flows.ingest import ingest
from flows.params import IngestParams
from tests.conftest import FIXTURES
from tests.crawlrun import query
from tests.httpserver import LocalServer

KYIV = (FIXTURES / "pages" / "kyiv-talks.html").read_bytes()


def page_source(path: Path, name: str, url: str) -> Path:
    path.write_text(
        f'[[source]]\nname = "{name}"\nkind = "page"\nurl = "{url}"\nallow_private = true\n', encoding="utf-8"
    )
    return path


def test_a_body_extracted_before_under_another_url_is_not_extracted_again(
    tmp_path: Path, server: LocalServer, db: Path
) -> None:
    server.route("/wire/kyiv-talks", KYIV)
    server.route("/mirror/2024/02/kyiv", KYIV)  # byte-identical, another URL, no canonical link
    wire = page_source(tmp_path / "wire.toml", "wire", server.url("/wire/kyiv-talks"))
    mirror = page_source(tmp_path / "mirror.toml", "mirror", server.url("/mirror/2024/02/kyiv"))

    first = ingest(IngestParams(sources=wire, db=db, processes=1))["sources"][0]
    assert (first["extracted"], first["reused"], first["articles"]) == (1, 0, 1) and first["claims"] > 0
    second = ingest(IngestParams(sources=mirror, db=db, processes=1))["sources"][0]
    assert (second["fetched"], second["extracted"], second["reused"], second["articles"]) == (1, 0, 1, 1)
    assert second["claims"] == first["claims"]

    fields = "c.ordinal, c.kind, c.speaker_canonical, c.government, c.content, c.start_char, c.end_char"
    sql = f"select {fields} from claims c join articles a using (article_id) where a.url = ? order by 1"
    wire_claims = query(db, sql, [server.url("/wire/kyiv-talks")])
    mirror_claims = query(db, sql, [server.url("/mirror/2024/02/kyiv")])
    assert mirror_claims == wire_claims and len(wire_claims) == first["claims"]
    texts = query(db, "select count(distinct text_sha256), count(*), count(distinct source) from articles")
    assert texts == [(1, 2, 2)]
