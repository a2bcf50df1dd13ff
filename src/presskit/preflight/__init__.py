"""Preflight: read built PDFs and report what a print shop would send back."""
