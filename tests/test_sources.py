from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ConfigError
from core.settings import DEFAULT_SOURCES
from crawler.fetch import DEFAULT_FETCH_SETTINGS
from crawler.sources import Source, load_sources, read_url_list, with_private_hosts


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_sources_are_valid_and_include_the_offline_sample() -> None:
    sources = load_sources(DEFAULT_SOURCES)
    kinds = {s.kind for s in sources}
    assert "directory" in kinds and "feed" in kinds
    sample = next(s for s in sources if s.kind == "directory")
    assert sample.path is not None and any(sample.path.glob("*.txt"))
    assert not any(s.allow_private for s in sources)


def test_relative_paths_resolve_against_the_file(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    path = write(tmp_path, '[[source]]\nname = "local"\nkind = "directory"\npath = "pages"\n')
    assert load_sources(path)[0].path == (tmp_path / "pages").resolve()


@pytest.mark.parametrize(
    "body, message",
    [
        ('[[source]]\nkind = "feed"\nurl = "https://x.org/f"\n', "'name' is required"),
        ('[[source]]\nname = "a"\nkind = "rss"\nurl = "https://x.org/f"\n', "'kind' must be one of"),
        ('[[source]]\nname = "a"\nkind = "feed"\n', "needs 'url'"),
        ('[[source]]\nname = "a"\nkind = "feed"\nurl = "ftp://x.org/f"\n', "must be an http:// or https:// URL"),
        ('[[source]]\nname = "a"\nkind = "feed"\nurl = "https://x.org/f"\nallow_private = "yes"\n', "true or false"),
        ('[[source]]\nname = "a"\nkind = "feed"\nurl = "https://x.org/f"\ncolour = "red"\n', "unknown field"),
        (
            '[[source]]\nname = "a"\nkind = "page"\nurl = "https://x.org/1"\n[[source]]\nname = "a"\nkind = "page"\n'
            'url = "https://x.org/2"\n',
            "unique",
        ),
        ("[[source]\n", "not valid TOML"),
        ("title = 'nothing'\n", "no [[source]] entries"),
    ],
)
def test_bad_entries_say_what_and_where(tmp_path: Path, body: str, message: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(ConfigError, match=r"sources\.toml") as error:
        load_sources(path)
    assert message in str(error.value)


def test_missing_file_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--sources"):
        load_sources(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    "fields, message",
    [
        # file: URLs used to pass here and fail at run time as malformed_url; the crawler fetches http(s) only.
        (
            'kind = "feed"\nurl = "file:///srv/feeds/un.xml"',
            "source 'a': 'url' must be an http:// or https:// URL, got 'file:///srv/feeds/un.xml' "
            "(files on disk are read by kind = \"directory\" with a 'path')",
        ),
        (
            'kind = "urls"\nurls = ["https://x.org/1", "file:/tmp/page.html"]',
            "source 'a': 'urls' entry #2 must be an http:// or https:// URL, got 'file:/tmp/page.html'",
        ),
        ('kind = "urls"\nurls = ["/relative/page"]', "source 'a': 'urls' entry #1 must be an http:// or https://"),
        ('kind = "page"\nurl = "https:///no-host"', "source 'a': 'url' has no host: 'https:///no-host'"),
        ('kind = "page"\nurl = "http://[::1/x"', "source 'a': 'url' is not a parseable URL"),
        ('kind = "page"\nurl = "http://x.org:99999/"', "source 'a': 'url' is not a parseable URL"),
    ],
)
def test_only_fetchable_urls_are_accepted(tmp_path: Path, fields: str, message: str) -> None:
    path = write(tmp_path, f'[[source]]\nname = "a"\n{fields}\n')
    with pytest.raises(ConfigError) as error:
        load_sources(path)
    assert str(error.value).startswith(f"{path}: {message}")  # names the file, the source and the field


def test_http_and_https_urls_in_any_case_are_accepted(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[source]]\nname = "a"\nkind = "feed"\nurl = "HTTPS://X.org/feed"\n'
        '[[source]]\nname = "b"\nkind = "urls"\nurls = ["http://x.org/1", "https://x.org:8443/2"]\n',
    )
    assert [s.own_urls() for s in load_sources(path)] == [
        ["HTTPS://X.org/feed"],
        ["http://x.org/1", "https://x.org:8443/2"],
    ]


def test_url_list_file_reads_past_a_bom_and_refuses_a_list_without_urls(tmp_path: Path) -> None:
    urls = tmp_path / "pages.txt"
    urls.write_text("\ufeffhttps://example.org/a\r\n# a comment\r\n\r\nhttps://example.org/b\r\n", encoding="utf-8")
    source = read_url_list(urls, allow_private=False)
    assert (source.name, source.kind, source.urls) == (
        "urls:pages",
        "urls",
        ("https://example.org/a", "https://example.org/b"),
    )
    for text in ("", "# nothing yet\n\n   \n", "\ufeff"):
        urls.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError, match=r"pages\.txt: no URLs in it"):
            read_url_list(urls, allow_private=False)
    urls.write_bytes(b"https://example.org/caf\xe9\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        read_url_list(urls, allow_private=False)


def test_private_hosts_of_a_url_list_skip_broken_lines_and_credentials() -> None:
    listed = ("http://[::1", "http://user:secret@127.0.0.1:8080/a", "http://localhost:9000/b", "not a url")
    source = Source(name="urls:x", kind="urls", urls=listed, allow_private=True)
    hosts = with_private_hosts(DEFAULT_FETCH_SETTINGS, [source]).private_hosts
    assert hosts == {"127.0.0.1:8080", "localhost:9000"}  # the broken line is rejected later, as malformed_url
