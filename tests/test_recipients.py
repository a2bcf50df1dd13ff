"""content/recipients.yaml is read once per change: the memo (by stat) and the parsed-YAML cache follow edits."""

import os

import pytest

from presskit.errors import ContentError
from presskit.source.recipients import load_recipients
from presskit.source.yaml import YAML_CACHE


@pytest.mark.parametrize("with_cache", [False, True])
def test_an_edit_is_seen_even_with_the_same_size_and_time(project, with_cache):
    if with_cache:  # a built project: build/.presskit/ holds the parsed YAML by digest
        (project / YAML_CACHE).parent.mkdir(parents=True)
    path = project / "content" / "recipients.yaml"
    first = load_recipients(project, "recipients.yaml")
    assert load_recipients(project, "recipients.yaml") == first
    assert (project / YAML_CACHE).is_file() == with_cache
    name = first[0].name
    text = path.read_text(encoding="utf-8")
    st = path.stat()
    path.write_text(text.replace(f"name: {name}", f"name: {name[:-1]}X", 1), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    again = load_recipients(project, "recipients.yaml")
    assert again[0].name == name[:-1] + "X" and again[1:] == first[1:]
    # Broken after a good parse was cached: the same message as on a fresh read.
    path.write_text(text.replace("  - slug:", "  -slug:", 1), encoding="utf-8")
    with pytest.raises(ContentError) as exc:
        load_recipients(project, "recipients.yaml")
    assert str(exc.value).startswith("content/recipients.yaml:")
    path.unlink()
    with pytest.raises(ContentError, match="file not found"):
        load_recipients(project, "recipients.yaml")
