"""Make the lessons' modules (notebooks/infotheory.py, bookkit.py) and the shared test strategies importable."""
import pathlib
import sys

sys.path[:0] = [str(pathlib.Path(__file__).parent / "notebooks"), str(pathlib.Path(__file__).parent / "tests")]


def pytest_collectstart(collector):
    """nbval compares every stored output except images: add SVG to the PNG and JPEG it skips.

    Figures are stored as PNG and SVG (bookkit); the SVG's text, like the PNG's
    pixels, changes with the matplotlib version.
    """
    skip = getattr(collector, "skip_compare", None)
    if type(collector).__name__ == "IPyNbFile" and skip is not None and "image/svg+xml" not in skip:
        collector.skip_compare = (*skip, "image/svg+xml")
