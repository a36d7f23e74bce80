"""Fetched pages -> articles -> attributed statements, in plain Python (no Prefect, no database).

``article`` (trafilatura, with ``encoding``) makes an article's text; the spaCy pipeline of ``nlp`` finds its
claims (``claims/``), links each speaker to a government (``linking/``: places, roles, actors, the linker), and
tags what each claim is about (``subjects``, ``topics``); ``seeds`` reads the seed tables those components are
given; ``pipeline`` runs both stages over a batch, on several cores through ``workers``.
"""

from extractors.article import ARTICLE_EXTRACTOR_VERSION, ArticleSettings, extract_article
from extractors.nlp import TextItem, extract_claims, extractor_version, load_pipeline
from extractors.pipeline import Extraction, extract_by_source
from extractors.seeds import Seeds, process_seeds

__all__ = [
    "ARTICLE_EXTRACTOR_VERSION",
    "ArticleSettings",
    "Extraction",
    "Seeds",
    "TextItem",
    "extract_article",
    "extract_by_source",
    "extract_claims",
    "extractor_version",
    "load_pipeline",
    "process_seeds",
]
