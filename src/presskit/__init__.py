"""presskit: one build turns Markdown + YAML content and Jinja templates into print PDFs, DOCX and handouts."""

__version__ = "0.1.0"
