"""Report: build/index.html with every output, its pages, translations and preflight; build progress."""
