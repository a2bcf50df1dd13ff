"""HTML: Markdown and the Jinja templates turn a localized document into one HTML page per output."""
