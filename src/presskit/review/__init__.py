"""presskit review import (a returned DOCX back into the source) and presskit diff (what changed per page)."""
