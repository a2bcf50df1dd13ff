"""The bad-input corpus: every case in tests/bad_inputs/*.yaml ends in its exact message and exit code.

A case starts from a small project (tests/bad_inputs/_base, or the test fixture project,
tests/fixtures/project, with `base: fixture`) and changes it:

    files:    {path: text}            write (replace) a UTF-8 file
    append:   {path: text}            append text to a file
    replace:  {path: [[old, new]]}    replace text in a file (old must occur)
    generate: {path: kind}            write a generated file (see GENERATORS)
    symlink:  {path: target}          make a symbolic link
    remove:   [path]                  delete a file
    args:     [build, ...]            the command (--root is added)
    exit:     1                       expected exit code
    stderr:   |                       expected standard error, exactly
    stdout_contains: text             optional

The expected messages are the product: they name the file, the line and the fix.
"""

from __future__ import annotations

import io
import os
import shutil
import struct
import sys
import zlib
from pathlib import Path

import pytest
import yaml

from conftest import copy_fixture_project

CORPUS = Path(__file__).parent / "bad_inputs"
CASES = sorted(p for p in CORPUS.glob("*.yaml"))


def png(width: int = 4, height: int = 4) -> bytes:
    """A valid RGB PNG written by hand (no image library needed to make test data)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\0" + b"\xc8\x10\x2e" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def bmp() -> bytes:
    """A 1×1 Windows bitmap: a real image, in a format outputs do not accept."""
    pixels = b"\x2e\x10\xc8\x00"
    header = struct.pack("<IiiHHIIiiII", 40, 1, 1, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + len(header) + len(pixels), 0, 0, 54) + header + pixels


def big_markdown() -> bytes:
    """A 10 MB Markdown document (front matter, then many paragraphs)."""
    paragraph = ("Latvija ANO koncentrējas uz cilvēktiesību un starptautiskā tiesiskuma aizstāvību. " * 8
                 + "\n\n").encode()
    body = paragraph * (10_000_000 // len(paragraph) + 1)
    return b"---\ntitle: Liels dokuments\n---\n\n" + body


GENERATORS = {
    "png": png,
    "truncated_png": lambda: png(64, 64)[:60],
    "bmp": bmp,
    "text_as_image": lambda: b"this is not an image\n",
    "big_markdown": big_markdown,
    # Saved in Windows-1257 (the Baltic code page) instead of UTF-8: the usual accident.
    "cp1257_markdown": lambda: "---\ntitle: Dalība\n---\n\nLatvija un ANO.\n\nDrošība.\n".encode("cp1257"),
    "cp1257_campaign": lambda: (CORPUS / "_base/content/campaign.yaml").read_text().encode("cp1257"),
    "bom_crlf_markdown": lambda: b"\xef\xbb\xbf" + (CORPUS / "_base/content/sheet.md").read_bytes().replace(b"\n", b"\r\n"),
    "crlf_campaign": lambda: (CORPUS / "_base/content/campaign.yaml").read_bytes().replace(b"\n", b"\r\n"),
}


def make_project(case: dict, tmp_path: Path) -> Path:
    """The project a case describes, in a fresh folder."""
    root = tmp_path / "project"
    assert case.get("base", "_base") in ("_base", "fixture"), f"unknown base {case['base']!r}"
    if case.get("base") == "fixture":
        copy_fixture_project(root)
    else:
        shutil.copytree(CORPUS / "_base", root)
    for rel in case.get("remove", []):
        (root / rel).unlink()
    for rel, text in (case.get("files") or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    for rel, text in (case.get("append") or {}).items():
        with open(root / rel, "a", encoding="utf-8") as fh:
            fh.write(text)
    for rel, pairs in (case.get("replace") or {}).items():
        text = (root / rel).read_text(encoding="utf-8")
        for old, new in pairs:
            assert old in text, f"{rel} does not contain {old!r}: the case is out of date"
            text = text.replace(old, new)
        (root / rel).write_text(text, encoding="utf-8")
    for rel, kind in (case.get("generate") or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(GENERATORS[kind]())
    for rel, target in (case.get("symlink") or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, root / rel)
    return root


def run_cli(args: list[str], monkeypatch) -> tuple[int, str, str]:
    """Run presskit's entry point in this process (as the console script does); return exit, out, err."""
    from presskit.cli import main

    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "argv", ["presskit", *args])
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue(), err.getvalue()


def test_corpus_is_large_enough():
    assert len(CASES) >= 30


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_bad_input(path: Path, tmp_path: Path, monkeypatch):
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    root = make_project(case, tmp_path)
    args = [*case["args"], "--root", str(root)] if case["args"][0] in ("build", "check") else case["args"]
    code, out, err = run_cli(args, monkeypatch)
    assert "Traceback" not in err
    assert err == case["stderr"], f"{path.name}: stderr differs\n--- got ---\n{err}"
    assert code == case["exit"], f"{path.name}: exit {code}\n{out}\n{err}"
    if "stdout_contains" in case:
        assert case["stdout_contains"] in out
    if case["exit"] != 0:  # a failed build writes no output (the build report may say why it failed)
        outputs = [p for p in (root / "build").rglob("*") if p.suffix in (".pdf", ".docx")]
        assert outputs == []
