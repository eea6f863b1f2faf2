"""Make the lessons' modules (notebooks/infotheory.py, bookkit.py) and the shared test strategies importable."""
import pathlib
import sys

sys.path[:0] = [str(pathlib.Path(__file__).parent / "notebooks"), str(pathlib.Path(__file__).parent / "tests")]
