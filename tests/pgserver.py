"""A throwaway Postgres for the DuckLake tests and bench: Debian's ``postgresql`` binaries, ``initdb`` in a temp
folder, ``pg_ctl start`` on 127.0.0.1 at a free port, ``pg_ctl stop`` at the end.

initdb refuses to run as root, so as root the server runs as the ``postgres`` system user (the Debian package
creates it), or as a system user made here when there is none. ``make test`` installs the package when missing
(the Makefile's ``postgres`` target); without it the DuckLake tests skip and say so.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

#: The role the catalog connects as (trust authentication: the server listens on 127.0.0.1 only).
PG_USER = "claimtrack"
#: The system user the server runs as when the tests run as root and there is no ``postgres`` user.
FALLBACK_OS_USER = "claimtrack-pg"


def postgres_bin() -> Path | None:
    """The folder of ``initdb``/``pg_ctl``: on PATH, else the newest ``/usr/lib/postgresql/<n>/bin``."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).resolve().parent
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _os_user() -> str | None:
    """Who runs the server: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", FALLBACK_OS_USER):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(["useradd", "--system", "--no-create-home", FALLBACK_OS_USER], check=True)
    return FALLBACK_OS_USER


@dataclass
class PostgresServer:
    bin_dir: Path
    root: Path
    port: int
    os_user: str | None

    def dsn(self, dbname: str) -> str:
        return f"dbname={dbname} host=127.0.0.1 port={self.port} user={PG_USER}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.os_user:
            command = ["runuser", "-u", self.os_user, "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)

    def create_database(self, name: str) -> str:
        """A new empty database; returns its connection string."""
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", PG_USER, name)
        return self.dsn(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start_postgres(*, durable: bool = False) -> PostgresServer:
    """initdb + pg_ctl start in a new temp folder; raises ``FileNotFoundError`` when Postgres is not installed.
    ``durable``: keep fsync on (the bench measures commit rates with it; tests need not)."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        raise FileNotFoundError("initdb not found: install Debian's postgresql package (make postgres)")
    os_user = _os_user()
    root = Path(tempfile.mkdtemp(prefix="claimtrack-pg-"))
    if os_user:
        shutil.chown(root, user=os_user)
    server = PostgresServer(bin_dir, root, _free_port(), os_user)
    data = str(root / "data")
    server._run("initdb", "-D", data, "-U", PG_USER, "--auth=trust", "-E", "UTF8", "--no-locale")
    # fsync off unless durable: a test server's data need not survive a power cut, and commits get cheaper.
    options = f"-c listen_addresses=127.0.0.1 -p {server.port} -k {root} -c max_connections=200"
    options += "" if durable else " -c fsync=off"
    try:
        server._run("pg_ctl", "-D", data, "-o", options, "-l", str(root / "log"), "-w", "start")
    except subprocess.CalledProcessError:
        log = (root / "log").read_text(errors="replace") if (root / "log").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"Postgres did not start:\n{log[-2000:]}") from None
    return server
