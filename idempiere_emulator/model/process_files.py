"""Files processes write, and ``GET /api/v1/files`` over them (the plugin's FileResourceImpl, spec §9).

Reports are written like ReportEngine writes them: ``<tmp>/rpttmp_<yyyyMMddHHmmssSSS>_<AD_Session_ID>/<name>.<ext>``
where ``<tmp>`` is the emulator's own temporary directory (its ``java.io.tmpdir``, removed when the backend
closes). The response of a run carries only the file's base name, as the plugin's does; ``/files`` takes a
full server path. Rules reproduced: the user must be an administrator (System Administrator role; the
emulator's ``administrators`` option names such users), ``length`` must equal the file's size, a file outside
the temporary directory is "not readable", ``node_id`` must be this node when given, ``json`` (even empty)
answers ``{"data": <base64>}`` instead of the bytes.
"""
from __future__ import annotations

import base64
import mimetypes
import os
import shutil
import tempfile
import threading
from datetime import datetime

from ..errors import EmulatorError

_TEXT_PLAIN = (".csv", ".ssv", ".log")


class ProcessFiles:
    """The emulator's temporary directory: new output paths, and reads for ``/files``."""

    def __init__(self) -> None:
        self._root: str | None = None
        self._lock = threading.Lock()

    @property
    def root(self) -> str:
        with self._lock:
            if self._root is None:
                self._root = os.path.realpath(tempfile.mkdtemp(prefix="idempiere-emulator-tmp-"))
            return self._root

    def new_path(self, session_id: int, name: str, extension: str) -> str:
        """FileUtil.createTempFile(makePrefix(name), "." + extension) in a fresh rpttmp folder."""
        folder = os.path.join(self.root, f"rpttmp_{datetime.now():%Y%m%d%H%M%S%f}"[:-3] + f"_{session_id}")
        os.makedirs(folder, exist_ok=True)
        prefix = "".join(ch if ch.isalnum() else "_" for ch in name)
        return os.path.join(folder, f"{prefix}.{extension}")

    def read(self, file_name: str | None, length: int) -> tuple[bytes, str]:
        """getLocalFile: the bytes and content type, or the plugin's 404 / 403 errors."""
        name = file_name or ""
        path = os.path.realpath(name) if name else ""
        if not path or not os.path.isfile(path):
            raise EmulatorError(404, "File not found", f"File not found: {name}")
        if not (path + os.sep).startswith(self.root + os.sep) or not os.access(path, os.R_OK):
            raise EmulatorError(403, "File not readable", f"File not readable: {name}")
        if os.path.getsize(path) != length:
            raise EmulatorError(403, "Access denied", f"Access denied for file: {name}")
        with open(path, "rb") as fh:
            data = fh.read()
        lower = name.lower()
        if lower.endswith((".html", ".htm")):
            ctype = "text/html"
        elif lower.endswith(_TEXT_PLAIN):
            ctype = "text/plain"
        else:
            ctype = mimetypes.guess_type(os.path.basename(name))[0] or "application/octet-stream"
        return data, ctype

    def listing(self) -> list[dict]:
        """Every file written so far: ``{"path", "name", "length"}``, oldest folder first."""
        if self._root is None:
            return []
        out = []
        for folder in sorted(os.listdir(self._root)):
            for name in sorted(os.listdir(os.path.join(self._root, folder))):
                path = os.path.join(self._root, folder, name)
                out.append({"path": path, "name": name, "length": os.path.getsize(path)})
        return out

    @staticmethod
    def as_json(data: bytes) -> dict:
        return {"data": base64.b64encode(data).decode("ascii")}

    def close(self) -> None:
        """Remove the temporary directory and everything processes wrote there."""
        with self._lock:
            if self._root is not None:
                shutil.rmtree(self._root, ignore_errors=True)
                self._root = None
