"""The repository's address: set once in _config.yml, repeated only where the README says."""

from __future__ import annotations

import pathlib
import re
import subprocess

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
REPO = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
OWNER_NAME = REPO["url"].removeprefix("https://github.com/").strip("/")
#: The files the README names as repeating the address (the lessons: their generated first cell).
REPEATED_IN = {"_config.yml", "_config.ko.yml", "README.md", "CITATION.cff"}


def _tracked() -> list[str]:
    out = subprocess.run(["git", "ls-files"], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    return [f for f in out.splitlines() if (ROOT / f).is_file()]


def test_the_address_appears_only_where_the_readme_says():
    name = OWNER_NAME.split("/")[1]
    holders = {f for f in _tracked() if name in (ROOT / f).read_text(encoding="utf-8", errors="ignore")}
    lessons = {f for f in holders if re.fullmatch(r"notebooks/\d\d_\w+(\.ko)?\.ipynb", f)}  # both editions
    assert holders - lessons == REPEATED_IN, "update the README's list of files that repeat the address"
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Where to set the repository URL"):]
    for f in REPEATED_IN - {"README.md", "_config.yml"}:
        assert f"`{f}`" in section


def test_the_badges_and_the_citation_agree_with_config():
    readme = (ROOT / "README.md").read_text()
    badges = re.findall(r"\((https://(?:mybinder\.org|colab\.research\.google\.com)[^)]*)\)", readme)
    launch = [b for b in badges if "/gh/" in b or "/github/" in b]
    assert len(launch) == 2
    assert f"mybinder.org/v2/gh/{OWNER_NAME}/{REPO['branch']}?" in launch[0]
    assert f"colab.research.google.com/github/{OWNER_NAME}/blob/{REPO['branch']}/notebooks/" in launch[1]
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert citation["repository-code"].rstrip("/") == REPO["url"].rstrip("/")
