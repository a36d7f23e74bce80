"""Sources -> fetched pages: sources config, discovery, crawl planning, polite fetching, WARC reading."""
