"""The Colab bootstrap cell: generated from _config.yml, and it fails with one plain message.

The cell's code (scripts/colab_cell.py) runs here against a local HTTP server
standing in for the repository, in a temporary folder, with Colab simulated by a
``google.colab`` entry in ``sys.modules``: offline, on a 404, on a download cut
short or replaced by an error page, and when re-run after a partial download.
"""

from __future__ import annotations

import ast
import functools
import http.server
import pathlib
import socket
import sys
import threading
import types

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

import colab_cell

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
LESSONS = colab_cell.lessons()
CODE = colab_cell.cell_source()


# ---------------------------------------------------------------- the cell in the lessons

@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_first_code_cell_is_the_generated_colab_cell(path):
    assert colab_cell.problems(path) == [], "run `python scripts/colab_cell.py --write`"


def test_cell_fetches_from_the_repository_that_config_names():
    import yaml

    repo = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    owner_name = repo["url"].removeprefix("https://github.com/").strip("/")
    expected = f'"https://raw.githubusercontent.com/{owner_name}/{repo["branch"]}/notebooks/"'
    assert expected in CODE


def _local_imports(path: pathlib.Path) -> set[str]:
    names = set()
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module.split(".")[0])
    return {n + ".py" for n in names if (NOTEBOOKS / f"{n}.py").exists()}


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_cell_fetches_every_module_the_lesson_imports(path):
    needed = _local_imports(path)
    assert needed, f"{path.name} imports none of the book's modules?"
    assert needed <= set(colab_cell.MODULES), f"add {needed - set(colab_cell.MODULES)} to colab_cell.MODULES"
    for name in colab_cell.MODULES:
        assert (NOTEBOOKS / name).is_file()


# ---------------------------------------------------------------- the cell's behaviour

class _Handler(http.server.SimpleHTTPRequestHandler):
    requests: list[str]
    truncate: set[str]

    def do_GET(self):
        name = self.path.rsplit("/", 1)[-1]
        self.requests.append(name)
        if name in self.truncate:  # promise the whole file, send half, hang up
            data = (pathlib.Path(self.directory) / name).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path):
    """A local server of a folder ``served/`` (empty at first); yields (folder, url, request log, truncate set)."""
    served = tmp_path / "served"
    served.mkdir()
    handler = functools.partial(type("Handler", (_Handler,), {"requests": [], "truncate": set()}),
                                directory=str(served))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield served, f"http://127.0.0.1:{httpd.server_port}/", handler.func.requests, \
            handler.func.truncate
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def colab(tmp_path, monkeypatch):
    """A lesson's folder on Colab: empty, the current directory, google.colab imported."""
    content = tmp_path / "content"
    content.mkdir()
    monkeypatch.chdir(content)
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    return content


def _run_cell(url: str, monkeypatch):
    monkeypatch.setenv(colab_cell.OVERRIDE, url)
    exec(compile(CODE, "colab-cell", "exec"), {"__name__": "__main__"})


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/notebooks/"  # nothing listens there any more


def _missing_error(excinfo) -> str:
    assert type(excinfo.value).__name__ == "BookModulesMissing"
    assert excinfo.value._render_traceback_() == [str(excinfo.value)]  # no traceback in IPython
    return str(excinfo.value)


def test_offline_one_message_names_every_file_its_address_and_the_way_out(colab, monkeypatch):
    url = _closed_port_url()
    with pytest.raises(Exception) as excinfo:
        _run_cell(url, monkeypatch)
    message = _missing_error(excinfo)
    for name in colab_cell.MODULES:
        assert f"{name} from {url}{name}" in message
    assert "upload it with the Files panel" in message and "run this cell again" in message
    assert sorted(p.name for p in colab.iterdir()) == []


def test_404_names_the_missing_file_and_keeps_the_one_that_came(colab, server, monkeypatch):
    served, url, requests, _ = server
    first, second = colab_cell.MODULES
    (served / first).write_bytes((NOTEBOOKS / first).read_bytes())
    with pytest.raises(Exception) as excinfo:
        _run_cell(url, monkeypatch)
    message = _missing_error(excinfo)
    assert f"{second} from {url}{second} (HTTP Error 404" in message
    assert f"{first} from" not in message
    assert (colab / first).read_bytes() == (NOTEBOOKS / first).read_bytes()
    assert not (colab / second).exists()

    # After a partial download, running the cell again fetches only what is missing.
    (served / second).write_bytes((NOTEBOOKS / second).read_bytes())
    requests.clear()
    _run_cell(url, monkeypatch)
    assert requests == [second]
    for name in colab_cell.MODULES:
        assert (colab / name).read_bytes() == (NOTEBOOKS / name).read_bytes()
    assert sorted(p.name for p in colab.iterdir()) == sorted(colab_cell.MODULES)


def test_a_truncated_download_is_not_kept_and_a_rerun_completes_it(colab, server, monkeypatch):
    served, url, requests, truncate = server
    for name in colab_cell.MODULES:
        (served / name).write_bytes((NOTEBOOKS / name).read_bytes())
    truncate.add(colab_cell.MODULES[1])
    with pytest.raises(Exception) as excinfo:
        _run_cell(url, monkeypatch)
    assert f"{colab_cell.MODULES[1]} from {url}" in _missing_error(excinfo)
    assert not (colab / colab_cell.MODULES[1]).exists()

    # A page that is not the module (a proxy's or a captive portal's answer) is caught too.
    truncate.clear()
    whole = (NOTEBOOKS / colab_cell.MODULES[1]).read_bytes()
    (served / colab_cell.MODULES[1]).write_text("<!DOCTYPE html><html><body>Sign in to the Wi-Fi</body></html>")
    with pytest.raises(Exception) as excinfo:
        _run_cell(url, monkeypatch)
    assert f"{colab_cell.MODULES[1]} from {url}" in _missing_error(excinfo)
    assert not (colab / colab_cell.MODULES[1]).exists()

    (served / colab_cell.MODULES[1]).write_bytes(whole)
    requests.clear()
    _run_cell(url, monkeypatch)
    assert requests == [colab_cell.MODULES[1]]
    assert (colab / colab_cell.MODULES[1]).read_bytes() == whole


def test_outside_colab_the_cell_does_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    _run_cell(_closed_port_url(), monkeypatch)
    assert list(tmp_path.iterdir()) == []


def test_in_a_kernel_run_all_stops_at_the_cell_with_only_the_message(tmp_path):
    """What a reader sees: one error output whose text is the message, and no later cell run."""
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('import sys, types\nsys.modules["google.colab"] = types.ModuleType("google.colab")\n'
                                  f'import os\nos.environ["{colab_cell.OVERRIDE}"] = "{_closed_port_url()}"'),
        nbformat.v4.new_code_cell(CODE),
        nbformat.v4.new_code_cell("import bookkit"),
    ])
    client = NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    with pytest.raises(CellExecutionError):
        client.execute()
    outputs = nb.cells[1].outputs
    assert [o.output_type for o in outputs] == ["error"]
    assert outputs[0].ename == "BookModulesMissing"
    text = "\n".join(outputs[0].traceback)
    assert text.startswith("This lesson needs") and "Traceback" not in text and "File " not in text
    assert nb.cells[2].execution_count is None and nb.cells[2].outputs == []


# ------------------------------------------------------- the Korean lessons' cell

KO_CODE = colab_cell.cell_source("ko")
FONT = colab_cell.KOREAN_FILES[0]


def test_each_edition_gets_its_own_cell():
    korean = [p for p in LESSONS if colab_cell.language(p) == "ko"]
    assert korean and len(korean) == len(LESSONS) - len(korean), "every lesson has its Korean twin"
    assert "내려받지 못했습니다" in KO_CODE and FONT in KO_CODE
    assert FONT not in CODE and "This lesson needs" in CODE


def _run_korean_cell(url: str, monkeypatch):
    monkeypatch.setenv(colab_cell.OVERRIDE, url)
    exec(compile(KO_CODE, "colab-cell-ko", "exec"), {"__name__": "__main__"})


def test_korean_cell_fetches_the_font_and_refuses_a_cut_or_wrong_one(colab, server, monkeypatch):
    served, url, requests, _ = server
    for name in colab_cell.files("ko"):
        (served / name).parent.mkdir(parents=True, exist_ok=True)
        (served / name).write_bytes((NOTEBOOKS / name).read_bytes())
    whole = (NOTEBOOKS / FONT).read_bytes()
    for wrong in (whole[: len(whole) // 2],                                   # cut short, served whole
                  b"<!DOCTYPE html><html><body>Sign in to the Wi-Fi</body></html>"):  # not a font
        (served / FONT).write_bytes(wrong)
        with pytest.raises(Exception) as excinfo:
            _run_korean_cell(url, monkeypatch)
        message = _missing_error(excinfo)
        assert f"{FONT} from {url}{FONT}" in message and "내려받지 못했습니다" in message
        assert "파일 패널" in message and "다시 실행" in message
        assert not (colab / FONT).exists()
    (served / FONT).write_bytes(whole)
    requests.clear()
    _run_korean_cell(url, monkeypatch)
    assert requests == [FONT.rsplit("/", 1)[-1]]  # the modules came the first time
    assert (colab / FONT).read_bytes() == whole
