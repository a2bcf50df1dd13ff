"""validate(): problems are remembered per document, template set and catalog, and every edit is seen."""

import shutil
import subprocess
import sys

import pytest

from presskit.build.units import plan
from presskit.build.validate import CACHE_FILE, validate
from presskit.source.config import load_config

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
       b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND"
       b"\xaeB`\x82")


def problems(root, cached=True):
    """validate() over every unit, as strings; without the cache file when *cached* is false."""
    if not cached:
        (root / "build" / ".presskit" / CACHE_FILE).unlink(missing_ok=True)
    campaign = load_config(root)
    return [str(p) for p in validate(campaign, plan(campaign))]


def test_every_kind_of_edit_is_seen_through_the_cache(project):
    (project / "build" / ".presskit").mkdir(parents=True)  # as after a build: the cache is written
    assert problems(project) == [] and (project / "build" / ".presskit" / CACHE_FILE).is_file()
    assert problems(project) == []

    brochure = project / "content" / "brochure.md"
    brochure.write_text(brochure.read_text(encoding="utf-8") + "\n![Karte](content/images/map.png)\n",
                        encoding="utf-8")
    missing = problems(project)
    assert len(missing) == 1 and "'content/images/map.png' not found" in missing[0]
    assert problems(project) == missing == problems(project, cached=False)

    # The document is unchanged; the image it refers to appears, then breaks, then is fixed.
    image = project / "content" / "images" / "map.png"
    image.parent.mkdir()
    image.write_bytes(PNG)
    assert problems(project) == []
    image.write_bytes(PNG[:40])
    corrupt = problems(project)
    assert len(corrupt) == 1 and "image 'content/images/map.png' is " in corrupt[0]
    assert corrupt == problems(project, cached=False)
    image.write_bytes(PNG)
    assert problems(project) == []

    template = next((project / "templates" / "brochure").glob("*.j2"))
    good = template.read_text(encoding="utf-8")
    template.write_text(good + "\n{% if %}\n", encoding="utf-8")
    broken = problems(project)
    assert len(broken) == 1 and "template syntax error" in broken[0]
    assert broken == problems(project, cached=False)
    template.write_text(good, encoding="utf-8")
    assert problems(project) == []

    po = project / "content" / "translations" / "fr.po"
    po.write_text(po.read_text(encoding="utf-8") + '\nmsgid "x\n', encoding="utf-8")
    bad_catalog = problems(project)
    assert bad_catalog and all(p.startswith("content/translations/fr.po:") for p in bad_catalog)
    assert bad_catalog == problems(project, cached=False)


@pytest.mark.xfail(reason="templates: K-only text (css branch)", strict=False)
def test_check_after_a_build_parses_nothing_again(built, tmp_path):
    """`presskit check` with nothing changed: no Markdown, Jinja, Babel or YAML imported."""
    root = tmp_path / "project"
    shutil.copytree(built, root)
    code = ("import sys; from presskit.cli import cli\n"
            "try:\n    cli.main(['-q', 'check', '--root', sys.argv[1]], standalone_mode=False)\n"
            "finally:\n    print(sorted(m for m in ('markdown', 'jinja2', 'babel', 'yaml', 'PIL', 'pikepdf')"
            " if m in sys.modules))")
    for _ in range(2):  # the first check fills the caches a build does not
        proc = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "[]"
