"""PDF: WeasyPrint renders the HTML; print editions are finished for the press (boxes, marks, output intent)."""
