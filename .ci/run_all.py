"""Run All, the way JupyterLab does it, many times: fails if a run ever hangs.

    python .ci/run_all.py [--runs 20] [--timeout 60] [NOTEBOOK ...]

Starts a Jupyter server (jupyter_server, the server JupyterLab and Binder use)
with the Python that runs this script, and for every run of every lesson:
starts a kernel in the notebook's folder, connects to the kernel's websocket, waits for the kernel to answer
``kernel_info_request``, then sends the ``execute_request`` of every code cell
at once, as JupyterLab's Run All does, and waits for every ``execute_reply``.
A run hangs when some request is still unanswered after ``--timeout`` seconds
(JupyterLab then shows ``[*]`` for good). Two runs go on at a time (two
kernels, one per core). Prints one line per lesson; exit status 1 if any run
hung or a cell failed.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import pathlib
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid

import nbformat
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A jupyter_server on 127.0.0.1 serving the repository, started and stopped by us."""

    def __init__(self, root: pathlib.Path):
        self.port, self.token = _free_port(), secrets.token_hex(16)
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile("w+", suffix=".log", prefix="jupyter-server-")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={self.port}",
             "--ServerApp.ip=127.0.0.1", "--allow-root", f"--IdentityProvider.token={self.token}",
             f"--ServerApp.root_dir={root}", "--ServerApp.port_retries=0"],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.http = AsyncHTTPClient()

    async def wait_ready(self, timeout: float = 60) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise SystemExit(f"jupyter_server exited:\n{self.server_log()}")
            try:
                await self.api("GET", "/api/status")
                return
            except OSError:
                await asyncio.sleep(0.3)
        raise SystemExit(f"jupyter_server did not start in {timeout} s:\n{self.server_log()}")

    async def api(self, method: str, path: str, body=None):
        request = HTTPRequest(f"{self.base}{path}", method=method,
                              headers={"Authorization": f"token {self.token}"},
                              body=None if body is None else json.dumps(body),
                              allow_nonstandard_methods=True, request_timeout=60)
        response = await self.http.fetch(request)
        return json.loads(response.body) if response.body else None

    def server_log(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()[-5000:]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _message(msg_type: str, content: dict, session: str) -> dict:
    return {"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "reader",
                       "session": session, "version": "5.3",
                       "date": datetime.datetime.now(datetime.timezone.utc).isoformat()},
            "parent_header": {}, "metadata": {}, "content": content, "channel": "shell", "buffers": []}


async def run_all_once(server: Server, notebook: pathlib.Path, timeout: float) -> dict:
    """One Run All in a fresh kernel; returns {"hung": [...cell numbers], "errors": [...], "seconds": s}."""
    folder = notebook.parent.relative_to(ROOT).as_posix()
    kernel = await server.api("POST", "/api/kernels", {"name": "python3", "path": folder})
    kernel_id, client_session = kernel["id"], uuid.uuid4().hex
    url = (f"ws://127.0.0.1:{server.port}/api/kernels/{kernel_id}/channels"
           f"?session_id={client_session}")
    ws = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {server.token}"}))
    start = time.monotonic()
    result = {"hung": [], "errors": [], "seconds": 0.0}
    try:
        # The kernel is ready when it answers kernel_info_request (JupyterLab waits for this too).
        info = _message("kernel_info_request", {}, client_session)
        await ws.write_message(json.dumps(info))
        while True:
            raw = await asyncio.wait_for(ws.read_message(), timeout)
            if raw is None:
                raise ConnectionError("the kernel's websocket closed")
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") == info["header"]["msg_id"] \
                    and msg["msg_type"] == "kernel_info_reply":
                break
        # Run All: every execute_request at once.
        cells = [c for c in nbformat.read(notebook, as_version=4).cells
                 if c.cell_type == "code" and c.source.strip()]
        pending = {}
        for number, cell in enumerate(cells, start=1):
            request = _message("execute_request", {
                "code": cell.source, "silent": False, "store_history": True,
                "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}, client_session)
            pending[request["header"]["msg_id"]] = number
            await ws.write_message(json.dumps(request))
        deadline = time.monotonic() + timeout
        while pending:
            left = deadline - time.monotonic()
            try:
                raw = await asyncio.wait_for(ws.read_message(), max(left, 0.01))
            except asyncio.TimeoutError:
                result["hung"] = sorted(pending.values())
                break
            if raw is None:
                raise ConnectionError("the kernel's websocket closed")
            msg = json.loads(raw)
            parent = msg.get("parent_header", {}).get("msg_id")
            if msg["msg_type"] == "execute_reply" and parent in pending:
                number = pending.pop(parent)
                if msg["content"]["status"] != "ok":
                    result["errors"].append(
                        f"cell {number}: {msg['content'].get('ename')}: {msg['content'].get('evalue')}")
    finally:
        result["seconds"] = time.monotonic() - start
        ws.close()
        await server.api("DELETE", f"/api/kernels/{kernel_id}")
    return result


async def main_async(args) -> int:
    notebooks = [p.resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    server = Server(ROOT)
    status = 0
    try:
        await server.wait_ready()
        import ipykernel
        print(f"Run All through jupyter_server, {args.runs} runs per lesson, timeout {args.timeout:.0f} s, "
              f"ipykernel {ipykernel.__version__}", flush=True)
        jobs = [(nb, i) for nb in notebooks for i in range(args.runs)]
        results: dict[pathlib.Path, list[dict]] = {nb: [] for nb in notebooks}
        queue: asyncio.Queue = asyncio.Queue()
        for job in jobs:
            queue.put_nowait(job)

        async def worker():
            while not queue.empty():
                nb, i = queue.get_nowait()
                res = await run_all_once(server, nb, args.timeout)
                results[nb].append(res)
                if res["hung"] or res["errors"]:
                    print(f"  {nb.name} run {i + 1}: hung at cells {res['hung']} {res['errors']}", flush=True)

        await asyncio.gather(*(worker() for _ in range(args.parallel)))
        for nb, runs in results.items():
            hung = sum(1 for r in runs if r["hung"])
            failed = sum(1 for r in runs if r["errors"])
            slowest = max(r["seconds"] for r in runs)
            print(f"{nb.name}: {len(runs)} runs, {hung} hung, {failed} with a failing cell, "
                  f"slowest {slowest:.1f} s", flush=True)
            status |= bool(hung or failed)
        if status:
            print("Run All did not finish every time: see the runs above.\n"
                  f"server log (end):\n{server.server_log()}")
    finally:
        server.stop()
    return status


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path)
    parser.add_argument("--runs", type=int, default=int(os.environ.get("RUN_ALL_RUNS", 20)))
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds a Run All may take before it counts as hung")
    parser.add_argument("--parallel", type=int, default=2)
    return asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
