"""Name the packages whose versions differ between two `pip freeze` lists.

    python .ci/freeze_diff.py .ci/requirements-lock.txt NEW_FREEZE.txt

.ci/requirements-lock.txt is the `pip freeze` of the last environment in which
every test passed (.ci/run writes a new one into _build/; commit it when it
changes on a green run). When the weekly job that installs the newest allowed
versions fails, this names what changed since: the first suspects.
"""

from __future__ import annotations

import pathlib
import re
import sys


def read(path: str) -> dict[str, str]:
    versions = {}
    for line in open(path, encoding="utf-8"):
        m = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line.strip())
        if m:
            versions[re.sub(r"[-_.]+", "-", m[1]).lower()] = m[2]
    return versions


def main(argv: list[str]) -> int:
    if not pathlib.Path(argv[0]).exists():
        print(f"No lock at {argv[0]} yet: commit a green run's freeze there.")
        return 0
    old, new = read(argv[0]), read(argv[1])
    changed = [f"  {n}: {old[n]} -> {new[n]}" for n in sorted(old.keys() & new.keys()) if old[n] != new[n]]
    added = [f"  {n}: new, {new[n]}" for n in sorted(new.keys() - old.keys())]
    removed = [f"  {n}: gone (was {old[n]})" for n in sorted(old.keys() - new.keys())]
    lines = changed + added + removed
    print(f"Packages that differ from {argv[0]} ({len(lines)}):" if lines else f"Same versions as {argv[0]}.")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
