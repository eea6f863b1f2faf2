"""Write (or check) the first code cell of every lesson: the Colab bootstrap.

    python scripts/colab_cell.py --write    # after changing _config.yml's repository: or MODULES
    python scripts/colab_cell.py --check    # exit 1 if a lesson's first code cell differs

Colab opens a lesson alone, without the modules beside it.  The cell generated
here downloads them from the repository and branch named under ``repository:``
in _config.yml (the one place the book's address is set), before any cell
imports them.  It checks every file (a complete Python module), keeps the ones
already there, and on any failure stops the run with one plain message: which
file, from where, and how to upload it by hand.  Outside Colab it does nothing.
The cell is tagged ``remove-cell``: the website does not show it.

``BOOK_MODULES_URL`` in the kernel's environment replaces the repository
address (the tests and the Colab-pinned CI job serve the modules locally).
"""

from __future__ import annotations

import argparse
import pathlib
import sys

import nbformat
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
#: The modules a lesson imports from its own folder, fetched by the cell.
MODULES = ("infotheory.py", "bookkit.py")
#: Where the lessons live in the repository.
LESSONS = "notebooks"
#: The variable that replaces the repository address (tests, CI).
OVERRIDE = "BOOK_MODULES_URL"
TAG = "remove-cell"

#: The files a Korean lesson needs besides the modules: the Hangul font of its figures.
KOREAN_FILES = ("fonts/NanumGothic-Hangul.ttf",)

TEMPLATE = """\
# {title}
import sys

if "google.colab" in sys.modules:
    import os
    import pathlib
    import urllib.request

    class BookModulesMissing(Exception):
        def _render_traceback_(self):  # IPython shows this message alone, with no traceback
            return [str(self)]

    def check_book_file(name, data):
        \"\"\"Raise unless ``data`` is the whole file: a Python module that compiles, or a font
        whose every table lies inside it (not an error page, not a download cut short).\"\"\"
        if name.endswith(".py"):
            compile(data, name, "exec")
            return
        tables = int.from_bytes(data[4:6], "big") if len(data) >= 12 else 0
        ends = [int.from_bytes(data[12 + 16 * i + 8:12 + 16 * i + 12], "big")
                + int.from_bytes(data[12 + 16 * i + 12:12 + 16 * i + 16], "big") for i in range(tables)]
        if data[:4] not in (b"\\x00\\x01\\x00\\x00", b"OTTO") or not ends or max(ends) > len(data):
            raise ValueError("not a whole font file")

    def fetch_book_modules(names, url):
        \"\"\"Download each missing file, check it, and stop with one message if any fails.\"\"\"
        failed = []
        for name in names:
            path = pathlib.Path(name)
            try:
                check_book_file(name, path.read_bytes())
                continue  # already here and complete
            except (OSError, SyntaxError, ValueError):
                pass
            try:
                with urllib.request.urlopen(url + name, timeout=30) as response:
                    data = response.read()
                check_book_file(name, data)
            except Exception as error:
                failed.append(f"  {{name}} from {{url + name}} ({{error}})")
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.with_suffix(".part").write_bytes(data)
            path.with_suffix(".part").replace(path)
        if failed:
            raise BookModulesMissing(
                {message})

    url = os.environ.get("{override}", "{url}")
    fetch_book_modules({names}, url)
"""

#: What the cell says, in each edition's language.
TEXTS = {
    "en": {
        "title": "Colab opens this notebook alone: fetch the modules it imports "
                 "(scripts/colab_cell.py writes this cell).",
        "message": '"This lesson needs {files} in its folder, and could not download:\\n"\n'
                   '                + "\\n".join(failed) + "\\n"\n'
                   '                "To go on, download each file listed from its address, upload it with the Files "\n'
                   '                "panel (the folder icon on the left), and run this cell again; or run this cell "\n'
                   '                "again once the internet connection works."',
    },
    "ko": {
        "title": "Colab은 이 노트북만 따로 연다: 노트북이 쓰는 모듈과 글꼴을 내려받는다 "
                 "(scripts/colab_cell.py가 이 셀을 쓴다).",
        "message": '"이 레슨을 실행하려면 같은 폴더에 {files} 파일이 있어야 하는데, "\n'
                   '                "다음 파일을 내려받지 못했습니다:\\n"\n'
                   '                + "\\n".join(failed) + "\\n"\n'
                   '                "계속하려면 위 주소에서 각 파일을 내려받아 파일 패널(왼쪽의 폴더 아이콘)로 "\n'
                   '                "업로드하고(fonts/로 시작하는 파일은 fonts 폴더에) 이 셀을 다시 실행하세요. "\n'
                   '                "인터넷 연결이 돌아온 뒤 이 셀을 다시 실행해도 됩니다."',
    },
}


def language(path: pathlib.Path) -> str:
    """The edition a lesson belongs to: "ko" for a Korean twin (name.ko.ipynb), else "en"."""
    return "ko" if pathlib.Path(path).stem.endswith(".ko") else "en"


def files(lang: str = "en") -> tuple[str, ...]:
    """What the cell fetches for a lesson of the edition ``lang``."""
    return MODULES + (KOREAN_FILES if lang == "ko" else ())


def repository() -> tuple[str, str]:
    """(GitHub URL, branch) from _config.yml's ``repository:``."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    repo = config["repository"]
    return repo["url"].rstrip("/"), repo.get("branch", "main")


def modules_url() -> str:
    """The raw-file address of the lessons' folder on the configured branch."""
    url, branch = repository()
    prefix = "https://github.com/"
    if not url.startswith(prefix):
        raise SystemExit(f"colab_cell: _config.yml repository.url must be a GitHub address, not {url!r}")
    return f"https://raw.githubusercontent.com/{url.removeprefix(prefix)}/{branch}/{LESSONS}/"


def cell_source(lang: str = "en") -> str:
    """The cell's code for a lesson of the edition ``lang`` ("en" or "ko")."""
    wanted = files(lang)
    names = ", ".join(wanted[:-1]) + (" and " if lang == "en" else ", ") + wanted[-1]
    as_tuple = "(" + ", ".join(f'"{m}"' for m in wanted) + ")"
    text = TEXTS[lang]
    return TEMPLATE.format(title=text["title"], message=text["message"].format(files=names), names=as_tuple,
                           override=OVERRIDE, url=modules_url()).rstrip("\n")


def lessons() -> list[pathlib.Path]:
    return sorted((ROOT / LESSONS).glob("[0-9]*.ipynb"))


def first_code_cell(nb: nbformat.NotebookNode):
    return next((c for c in nb.cells if c.cell_type == "code"), None)


def problems(path: pathlib.Path) -> list[str]:
    """Why the lesson's first code cell is not the generated bootstrap cell (empty if it is)."""
    cell = first_code_cell(nbformat.read(path, as_version=4))
    if cell is None:
        return [f"{path.name}: no code cell"]
    found = []
    if cell.source != cell_source(language(path)):
        found.append(f"{path.name}: the first code cell is not the generated Colab cell")
    if cell.metadata.get("tags") != [TAG]:
        found.append(f"{path.name}: the first code cell must carry exactly the tag {TAG!r}")
    if cell.outputs or cell.execution_count not in (None, 1):
        found.append(f"{path.name}: the first code cell must have no output")
    return found


def write(path: pathlib.Path) -> bool:
    """Make the first code cell the bootstrap cell (inserting one if the first is another cell)."""
    nb = nbformat.read(path, as_version=4)
    cell = first_code_cell(nb)
    if cell is None or not (cell.metadata.get("tags") == [TAG] or "google.colab" in cell.source):
        cell = nbformat.v4.new_code_cell()
        index = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
        nb.cells.insert(index, cell)
    before = (cell.source, cell.metadata.get("tags"))
    cell.source = cell_source(language(path))
    cell.metadata["tags"] = [TAG]
    cell.outputs = []
    if before == (cell.source, cell.metadata["tags"]):
        return False
    nbformat.write(nb, path)
    return True


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="write the cell into every lesson")
    mode.add_argument("--check", action="store_true", help="exit 1 if a lesson's cell differs")
    mode.add_argument("--print", action="store_true", help="print the cell's code")
    parser.add_argument("paths", nargs="*", type=pathlib.Path)
    args = parser.parse_args(argv)
    if args.print:
        print(cell_source())
        return 0
    paths = args.paths or lessons()
    if args.write:
        for path in paths:
            if write(path):
                print(f"wrote the Colab cell of {path.name} (re-execute it: python scripts/run_notebooks.py)")
        return 0
    found = [p for path in paths for p in problems(path)]
    print("\n".join(found) or "every lesson starts with the generated Colab cell")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
