"""Plain-Python stages of the pipeline, testable without Prefect.

html -> article (``article``), article -> claims (``claims``, ``nlp``), speaker -> government (``governments``,
over the ``gazetteer``, ``roles`` and ``actors`` tables), what a claim is about (``subjects``, ``topics``),
re-extraction of stored text (``reprocess``), plus the fetching side: sources config (``sources``), discovery
(``discover``), crawling in batches (``crawl``), fetching (``fetch``) with URL identity (``urls``), robots.txt
(``robots``), per-host manners (``hosts``), the SSRF guard (``netguard``), bounded decoding (``decompress``), and
the raw archive (``archive``).
"""
