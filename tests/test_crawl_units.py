"""The crawler's small parts without a network: URL identity, robots.txt, bounded decoding, settings."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import brotli
import pytest

from core.errors import BodyTooLarge, ConfigError, DecompressionBomb, MalformedURL
from crawler.decompress import BoundedDecoder
from crawler.fetch import DEFAULT_USER_AGENT, FetchSettings
from crawler.hosts import HostBook, backoff_seconds, record_outcome, retry_after_seconds
from crawler.netguard import is_public_address
from crawler.robots import RobotsRules, product_token
from crawler.sources import Source, load_crawl_settings, load_sources, with_private_hosts
from crawler.urls import canonical_link, normalize_url


@pytest.mark.parametrize(
    "raw, normal",
    [
        ("HTTP://News.Example.ORG:80/a/b?utm_source=rss&id=5&fbclid=x#top", "http://news.example.org/a/b?id=5"),
        ("https://example.org/story?b=2&a=1&gclid=9", "https://example.org/story?a=1&b=2"),
        ("https://example.org:443/x", "https://example.org/x"),
        ("https://example.org:8443/x", "https://example.org:8443/x"),
        ("  https://example.org/wrapped\n/link  ", "https://example.org/wrapped/link"),
        # Credentials are never stored (nor sent): a URL list or a feed may carry them by mistake.
        ("https://user:secret@Example.org/a?b=1", "https://example.org/a?b=1"),
        ("http://token@127.0.0.1:8080/x", "http://127.0.0.1:8080/x"),
        ("http://user:pw@[::1]:8080/x", "http://[::1]:8080/x"),
    ],
)
def test_normalize_url(raw: str, normal: str) -> None:
    assert normalize_url(raw) == normal
    assert normalize_url(normal) == normal  # idempotent


def test_relative_urls_resolve_against_the_base() -> None:
    assert normalize_url("../b?utm_medium=x", base="https://example.org/a/c") == "https://example.org/b"


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("http://[::1", "unparseable URL"),
        ("ftp://example.org/x", "unsupported scheme 'ftp'"),
        ("javascript:alert(1)", "unsupported scheme 'javascript'"),
        ("http:///nohost", "no valid host name"),
        ("http://exa mple..org/", "no valid host name"),
        ("http://example.org:99999/", "unparseable URL"),
        ("http://example.org/" + "a" * 3000, "longer than"),
    ],
)
def test_malformed_urls_are_refused_with_a_reason(raw: str, reason: str) -> None:
    with pytest.raises(MalformedURL, match=reason):
        normalize_url(raw)


def test_canonical_link_same_site_only() -> None:
    page = b'<html><head><link href="/story?id=7&amp;utm_source=x" rel="canonical"></head></html>'
    assert canonical_link(page, "https://www.example.org/amp/story") == "https://www.example.org/story?id=7"
    sub = b"<link rel='canonical' href='https://example.org/s'>"
    assert canonical_link(sub, "https://amp.example.org/s") == "https://example.org/s"
    hijack = b'<link rel="canonical" href="https://other-outlet.com/their-story">'
    assert canonical_link(hijack, "https://example.org/s") is None
    cctld = b'<link rel="canonical" href="https://evil.co.uk/s">'
    assert canonical_link(cctld, "https://news.bbc.co.uk/s") is None
    assert canonical_link(b"<link rel=stylesheet href=/a.css>", "https://example.org/") is None


def test_robots_rules_for_our_user_agent() -> None:
    text = b"User-agent: *\nDisallow: /\n\nUser-agent: claimtrack\nDisallow: /private\nCrawl-delay: 2.5\nSitemap: https://e.org/s.xml\n"
    rules = RobotsRules.from_response(200, text)
    assert product_token(DEFAULT_USER_AGENT) == "claimtrack"
    assert rules.allows("https://e.org/news/1", DEFAULT_USER_AGENT)
    assert not rules.allows("https://e.org/private/1", DEFAULT_USER_AGENT)
    assert not rules.allows("https://e.org/news/1", "otherbot/1.0")
    assert rules.crawl_delay(DEFAULT_USER_AGENT) == 2.5
    assert rules.sitemaps() == ["https://e.org/s.xml"]


@pytest.mark.parametrize("status, allowed", [(404, True), (403, True), (500, False), (503, False), (429, False)])
def test_robots_status_codes_follow_rfc_9309(status: int, allowed: bool) -> None:
    assert RobotsRules.from_response(status, b"").allows("https://e.org/a", DEFAULT_USER_AGENT) is allowed


@pytest.mark.parametrize(
    "coding, pack",
    [("gzip", gzip.compress), ("deflate", zlib.compress), ("br", brotli.compress), ("", lambda b: b)],
)
def test_bounded_decoder_round_trips_and_stops_bombs(coding: str, pack: object) -> None:
    data = b"claimtrack " * 10_000
    packed = pack(data)  # type: ignore[operator]
    decoder = BoundedDecoder(coding, 1_000_000, "https://e.org/")
    out = b"".join(decoder.feed(packed[i : i + 1000]) for i in range(0, len(packed), 1000)) + decoder.flush()
    assert out == data
    small = BoundedDecoder(coding, 50_000, "https://e.org/")
    expected = BodyTooLarge if not coding else DecompressionBomb
    with pytest.raises(expected):
        small.feed(packed)
        small.flush()


def test_raw_deflate_without_zlib_header_is_accepted() -> None:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    packed = compressor.compress(b"raw deflate body") + compressor.flush()
    decoder = BoundedDecoder("deflate", 1000, "https://e.org/")
    assert decoder.feed(packed) + decoder.flush() == b"raw deflate body"


@pytest.mark.parametrize(
    "address, public",
    [
        ("93.184.216.34", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.100.100.200", False),
        ("::1", False),
        ("fd00:ec2::254", False),
        ("::ffff:127.0.0.1", False),
        ("224.0.0.1", False),
        ("2606:4700::1111", True),
    ],
)
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public_address(address) is public


def test_retry_after_and_backoff() -> None:
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0  # in the past
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None
    waits = [backoff_seconds(3, 1.0, 30.0) for _ in range(50)]
    assert all(2.0 <= w < 6.0 for w in waits) and len(set(waits)) > 1  # 4 s +- 50 % jitter
    assert backoff_seconds(20, 1.0, 30.0) < 45


def test_breaker_opens_after_consecutive_failures_only() -> None:
    book = HostBook()
    state = book.get("e.org", 0)
    record_outcome(state, "e.org", failed=True, threshold=3, reason="x")
    record_outcome(state, "e.org", failed=False, threshold=3)
    record_outcome(state, "e.org", failed=True, threshold=3, reason="x")
    record_outcome(state, "e.org", failed=True, threshold=3, reason="x")
    assert book.skipped() == {}
    record_outcome(state, "e.org", failed=True, threshold=3, reason="timeout: slow")
    assert "after 3 consecutive failures (last: timeout: slow)" in book.skipped()["e.org"]


def test_crawler_table_and_private_hosts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(
        """
[crawler]
user_agent = "claimtrack/9 (+https://example.org/contact)"
per_host_delay_s = 2
pinned_hosts = { "news.test" = "127.0.0.1" }

[[source]]
name = "intranet"
kind = "feed"
url = "http://intranet.local:8080/feed"
allow_private = true
private_hosts = ["cms.intranet.local"]

[[source]]
name = "public"
kind = "feed"
url = "https://example.org/feed"
""",
        encoding="utf-8",
    )
    settings = load_crawl_settings(path)
    assert settings.user_agent.endswith("(+https://example.org/contact)") and settings.per_host_delay_s == 2
    assert settings.pinned_hosts == {"news.test": "127.0.0.1"}
    assert settings.per_host_concurrency == FetchSettings().per_host_concurrency == 2
    assert with_private_hosts(settings, load_sources(path)).private_hosts == {
        "intranet.local:8080",
        "cms.intranet.local",
    }
    monkeypatch.setenv("CLAIMTRACK_USER_AGENT", "claimtrack/9 (+mailto:desk@example.org)")
    assert load_crawl_settings(path).user_agent == "claimtrack/9 (+mailto:desk@example.org)"


@pytest.mark.parametrize(
    "table, message",
    [
        ("[crawler]\nper_host_delay = 1\n", "unknown key"),
        ("[crawler]\nper_host_concurrency = 1.5\n", "wrong type"),
        ("[crawler]\nrespect_robots = 'no'\n", "wrong type"),
        ("[crawler]\nmax_retries = -1\n", "wrong type"),
    ],
)
def test_bad_crawler_table_is_a_config_error(tmp_path: Path, table: str, message: str) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(table + '[[source]]\nname = "a"\nkind = "page"\nurl = "https://e.org/"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_crawl_settings(path)


def test_private_hosts_needs_allow_private(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(
        '[[source]]\nname = "a"\nkind = "feed"\nurl = "https://e.org/f"\nprivate_hosts = ["x.local"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="needs allow_private"):
        load_sources(path)
    assert Source(name="a", kind="page", url="https://e.org/").own_urls() == ["https://e.org/"]
