from __future__ import annotations

import pytest

from core.errors import ExtractError
from extractors.article import extract_article, split_date_header, text_article
from extractors.encoding import decode_body

ARTICLE_HTML = """<!doctype html><html><head><title>Talks in Jeddah</title>
<meta name="author" content="Jane Reporter"><meta property="article:published_time" content="2023-08-08T10:00:00Z">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Talks in Jeddah end without a statement</h1>
<p>The Saudi foreign minister said that the talks in Jeddah had been useful and would continue in the autumn.</p>
<p>“We listened to every delegation,” the minister told reporters after the meeting on Sunday evening.</p>
<p>Officials from more than forty countries attended the two-day meeting, which Russia was not invited to.</p>
</article><footer>Copyright 2023. Subscribe to our newsletter.</footer>
<div class="comments"><p>Reader comment: this is all nonsense and I said so before.</p></div></body></html>"""


def test_main_text_and_metadata() -> None:
    article = extract_article(ARTICLE_HTML.encode("utf-8"), "https://news.example.org/jeddah")
    assert "The Saudi foreign minister said" in article.text
    assert "Subscribe to our newsletter" not in article.text and "Home" not in article.text
    assert article.published_at is not None and article.published_at.date().isoformat() == "2023-08-08"
    assert article.author == "Jane Reporter"


def test_page_without_article_is_an_extract_error() -> None:
    with pytest.raises(ExtractError, match="no article text"):
        extract_article(b"<html><body><a href='/a'>A</a></body></html>", "https://news.example.org/index")


def test_broken_html_still_extracts() -> None:
    broken = ARTICLE_HTML.replace("</p>", "").replace("</article>", "<div><span>")[:-40]
    article = extract_article(broken.encode("utf-8"), "https://news.example.org/broken")
    assert "talks in Jeddah had been useful" in article.text


@pytest.mark.parametrize(
    "text, charset, declared",
    [
        ("Министр иностранных дел России заявил, что переговоры продолжатся.", "windows-1251", "header"),
        ("中国外交部发言人表示，中方坚持和平谈判立场。", "gb2312", "meta"),
        ("外務省の報道官は、対話を続けると述べた。", "shift_jis", "header"),
    ],
)
def test_charsets_from_header_or_meta(text: str, charset: str, declared: str) -> None:
    page = f"<html><head>{'<meta charset=' + charset + '>' if declared == 'meta' else ''}</head><body><p>{text}</p>"
    body = page.encode(charset)
    content_type = f"text/html; charset={charset}" if declared == "header" else "text/html"
    decoded, _ = decode_body(body, content_type)
    assert text in decoded


def test_text_file_date_header() -> None:
    text, published, removed = split_date_header("  date 2023-08-08 Beijing said ...")
    assert text == "Beijing said ..." and removed == 18
    assert published is not None and published.isoformat().startswith("2023-08-08")
    article = text_article("date 2024-01-02\nHeadline here\n\nBody text.", "local:x/a.txt")
    assert article.title == "Headline here" and article.text.startswith("Headline here")
