"""Plain-Python stages of the pipeline, testable without Prefect.

html -> article (``article``), article -> claims (``claims``, ``nlp``), speaker -> government (``governments``),
plus the fetching side: sources config (``sources``), discovery (``discover``), fetching (``fetch``,
``crawl``) and the raw archive (``archive``).
"""
