"""Source: the project as read from disk — configuration, content, recipients, templates — with file:line errors."""
