"""Sources -> fetched pages: what to poll (``sources``), what each source offers (``discover``), which pages to fetch
in which batches (``crawl``), fetching them politely and safely (``fetch``, ``hosts``, ``robots``, ``netguard``,
``decompress``, ``urls``), date windows for backfills (``window``) and pages from WARC files (``warc``).

Nothing here writes to the warehouse: the crawl hands on records (``core.pages``) that ``flows`` stores.
"""

from crawler.crawl import CrawlPlan, Discovery, FetchedBatch, PageTask, discover_sync, fetch_batch_sync, plan_crawl
from crawler.fetch import DEFAULT_FETCH_SETTINGS, FetchSettings
from crawler.hosts import HostBook
from crawler.robots import RobotsRules
from crawler.sources import Source, load_crawl_settings, load_sources
from crawler.warc import WarcScan, scan_warc
from crawler.window import Window

__all__ = [
    "DEFAULT_FETCH_SETTINGS",
    "CrawlPlan",
    "Discovery",
    "FetchSettings",
    "FetchedBatch",
    "HostBook",
    "PageTask",
    "RobotsRules",
    "Source",
    "WarcScan",
    "Window",
    "discover_sync",
    "fetch_batch_sync",
    "load_crawl_settings",
    "load_sources",
    "plan_crawl",
    "scan_warc",
]
