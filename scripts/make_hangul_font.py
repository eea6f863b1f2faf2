"""Make notebooks/fonts/NanumGothic-Hangul.ttf: the Hangul font of the Korean edition's figures.

    python scripts/make_hangul_font.py     # needs pip (downloads the font) and fonttools

Matplotlib draws the book's figures with its own DejaVu Sans, which has no Hangul; the
Korean edition's labels fall back to this font (notebooks/bookkit.py sets the family list
``["DejaVu Sans", "NanumGothic"]``).  It is Nanum Gothic Regular (NHN Corporation, SIL Open
Font License 1.1: notebooks/fonts/OFL.txt), taken from the koreanize-matplotlib wheel, which
ships the unmodified TTF, and cut down with fonttools' subsetter to

* the 2,350 Hangul syllables of KS X 1001 (the syllables of everyday Korean text),
* the 94 compatibility jamo (ㄱ … ㆎ),
* and any other Hangul syllable the Korean lessons' code uses,

without hinting (figures are drawn as paths, at sizes where hinting does nothing).  The
result is about 0.7 MB where the whole font is 4.7 MB.  The tests check that every Hangul
character in a Korean lesson's code is in the font (tests/test_editions.py); a label with a
rarer syllable fails there with a pointer to this script.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys
import tempfile
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
TARGET = ROOT / "notebooks" / "fonts" / "NanumGothic-Hangul.ttf"
SOURCE_WHEEL = "koreanize-matplotlib==0.1.1"
SOURCE_MEMBER = "koreanize_matplotlib/fonts/NanumGothic.ttf"


def ks_x_1001_syllables() -> str:
    """The 2,350 Hangul syllables of KS X 1001, in code order (rows 0xB0 to 0xC8 of EUC-KR)."""
    found = []
    for lead in range(0xB0, 0xC9):
        for trail in range(0xA1, 0xFF):
            try:
                found.append(bytes([lead, trail]).decode("euc_kr"))
            except UnicodeDecodeError:
                pass
    return "".join(found)


def wanted_text() -> str:
    sys.path.insert(0, str(ROOT / "scripts"))
    import editions  # noqa: E402 (the list of Korean notebooks)

    used = set()
    for path in editions.korean_notebooks():
        used |= editions.hangul_in_code(path)
    jamo = "".join(chr(c) for c in range(0x3131, 0x318F))
    return "".join(sorted(set(ks_x_1001_syllables() + jamo) | used))


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        subprocess.check_call([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                               "--dest", str(tmp), SOURCE_WHEEL])
        wheel = next(tmp.glob("*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            (tmp / "NanumGothic.ttf").write_bytes(archive.read(SOURCE_MEMBER))
        (tmp / "text.txt").write_text(wanted_text(), encoding="utf-8")
        try:
            from fontTools import subset  # noqa: F401
        except ImportError:
            subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "fonttools"])
        subprocess.check_call([sys.executable, "-m", "fontTools.subset", str(tmp / "NanumGothic.ttf"),
                               f"--text-file={tmp / 'text.txt'}", f"--output-file={TARGET}",
                               "--no-hinting", "--desubroutinize", "--name-IDs=*", "--layout-features="])
    print(f"wrote {TARGET.relative_to(ROOT)} ({TARGET.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
