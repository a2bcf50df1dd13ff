"""Translation: gettext catalogs, localizing documents, catalog maintenance and translation QA."""
