"""Where articles come from: files, web pages and feeds, each read into Documents."""
