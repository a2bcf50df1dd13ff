"""scripts/bench in quick mode: every measurement runs and the results file is written (no timing asserted)."""

import re
import subprocess
import sys

import pytest

from conftest import REPO


@pytest.mark.slow
def test_bench_quick_mode_writes_results(tmp_path):
    results = tmp_path / "results.md"
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "bench"), "--quick", "--output", str(results),
                           "--workdir", str(tmp_path)], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    text = results.read_text(encoding="utf-8")
    assert "in quick mode" in text
    for heading in ("## Machine", "## Summary", "## Growth (f)", "## Method", "## Raw runs (seconds)"):
        assert heading in text
    for measure in ("(a) cold full build", "(b) no-op rebuild", "(c) one translation edit", "(d) one template edit",
                    "(e) peer pipeline", "cold build ÷ peer", "peak memory, cold build", "watch mode, save →"):
        row = next(line for line in text.splitlines() if measure in line)
        assert re.search(r"\| \d+(\.\d+)?( s| MB)? ", row), row
    assert "| no-op imports WeasyPrint / python-docx / Jinja | none |" in text
    # cold builds and peer runs come in back-to-back pairs; the ratio is the median of theirs
    pairs = re.search(r"- cold ÷ peer, pair by pair: ([\d., ]+)\n", text).group(1).split(", ")
    cold = re.search(r"- cold: ([\d., ]+)\n", text).group(1).split(", ")
    assert len(pairs) == len(cold) >= 1
    assert [p.name for p in tmp_path.iterdir()] == ["results.md"]  # temporary projects are removed
