"""Backups: the database and the media directory in one archive, taken online; and restore.

An archive is a gzipped tar of

- ``manifest.json``: format version, when, the database vendor, the rows of every table at
  the moment of the snapshot, the media files, and the SHA-256 of every other member;
- ``database.pgdump`` (PostgreSQL: ``pg_dump`` custom format) or ``database.sqlite3``
  (SQLite: a copy made with SQLite's online backup API);
- ``media/…``: residents' attachments, as stored.

The database copy is one consistent snapshot while the server goes on writing: pg_dump
reads a snapshot exported by the transaction that counts the rows, so the counts in the
manifest are exactly those of the dump; SQLite's backup API copies a consistent state and
the counts are read from the copy. Media are copied after the snapshot: files are written
before their row commits, so every file the snapshot names is in the archive.

Restore checks the manifest (format, vendor, every checksum) before it touches anything,
refuses a database that already holds data unless told to replace it, and checks the
restored row counts against the manifest.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import psycopg
from django.conf import settings
from django.db import connection
from django.utils import timezone

from precinct.audit.services import audit_record
from precinct.core.errors import DomainError

FORMAT = "precinct-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DB_MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
VENDOR_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
_CHUNK = 1 << 20


class BackupError(DomainError):
    """A backup could not be written, or an archive cannot be restored here (and why)."""

    code = "backup_refused"


@dataclass(frozen=True)
class BackupReport:
    """What an archive holds: its manifest's figures."""

    path: Path
    vendor: str
    tables: int
    rows: int
    media_files: int
    media_bytes: int


# --- backup ---------------------------------------------------------------------------------


def backup_create(*, path: Path, log: Callable[[str], None] = lambda line: None) -> BackupReport:
    """Write an archive of the database and the media directory to ``path`` (online)."""
    path = Path(path)
    vendor = _vendor()
    with tempfile.TemporaryDirectory(prefix="precinct-backup-", dir=path.parent) as tmp:
        db_file = Path(tmp) / DB_MEMBERS[vendor]
        log(f"Copying the {VENDOR_NAMES[vendor]} database…")
        counts = _dump_postgresql(db_file) if vendor == "postgresql" else _dump_sqlite(db_file)
        media = _media_files(Path(settings.MEDIA_ROOT))
        log(f"Copying {len(media)} media files…")
        partial = path.with_name(path.name + ".partial")
        # Residents' data: readable by the owner only, from the first byte written.
        partial.touch(mode=0o600)
        partial.chmod(0o600)
        with tarfile.open(partial, "w:gz") as tar:
            checksums = {DB_MEMBERS[vendor]: _add(tar, db_file, DB_MEMBERS[vendor])}
            media_bytes = 0
            for name, file in media:
                checksums[name] = _add(tar, file, name)
                media_bytes += file.stat().st_size
            manifest = _manifest(vendor, counts, checksums, len(media), media_bytes)
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
        os.replace(partial, path)  # a half-written archive never carries the final name
    report = _report(path, manifest)
    audit_record(
        actor=None,
        action="export",
        subject_type="database",
        subject_id=vendor,
        context=f"backup of {report.tables} tables, {report.rows} rows, {len(media)} media files",
    )
    return report


def _vendor() -> str:
    vendor = connection.vendor
    if vendor not in DB_MEMBERS:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor


def _dump_postgresql(target: Path) -> dict[str, int]:
    """pg_dump in the snapshot of a transaction that counts every table's rows."""
    with psycopg.connect(**_pg_params(), autocommit=False) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        counts = _counts_pg(conn)
        _run(
            ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
            "pg_dump",
        )
        conn.rollback()
    return counts


def _counts_pg(conn) -> dict[str, int]:
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
    ]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _dump_sqlite(target: Path) -> dict[str, int]:
    """SQLite's online backup into ``target``; the counts are read from the copy."""
    connection.ensure_connection()
    with closing(sqlite3.connect(target)) as copy:
        connection.connection.backup(copy)
        return _counts_sqlite(copy)


def _counts_sqlite(conn: sqlite3.Connection) -> dict[str, int]:
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY 1"
        )
    ]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _media_files(root: Path) -> list[tuple[str, Path]]:
    """Every regular file under the media directory, as (member name, path)."""
    if not root.is_dir():
        return []
    files = []
    for file in sorted(root.rglob("*")):
        if file.is_file() and not file.is_symlink():
            files.append((f"{MEDIA}/{file.relative_to(root).as_posix()}", file))
    return files


def _add(tar: tarfile.TarFile, file: Path, name: str) -> str:
    """Add one file and return its SHA-256 (read once more; the archive is the truth)."""
    info = tar.gettarinfo(str(file), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with open(file, "rb") as fh:
        tar.addfile(info, fh)
    return _sha256(file)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    with tempfile.SpooledTemporaryFile() as buf:
        buf.write(data)
        buf.seek(0)
        tar.addfile(info, buf)


def _sha256(file: Path) -> str:
    digest = hashlib.sha256()
    with open(file, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _manifest(vendor, counts, checksums, media_files, media_bytes) -> dict:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "database": {"vendor": vendor, "member": DB_MEMBERS[vendor]},
        "counts": counts,
        "media": {"files": media_files, "bytes": media_bytes},
        "sha256": checksums,
    }


def _report(path: Path, manifest: dict) -> BackupReport:
    counts = manifest["counts"]
    return BackupReport(
        path=path,
        vendor=manifest["database"]["vendor"],
        tables=len(counts),
        rows=sum(counts.values()),
        media_files=manifest["media"]["files"],
        media_bytes=manifest["media"]["bytes"],
    )


# --- restore --------------------------------------------------------------------------------


def backup_restore(
    *, path: Path, replace: bool = False, log: Callable[[str], None] = lambda line: None
) -> BackupReport:
    """Restore an archive into the configured database and media directory.

    Nothing is changed until the archive has been read whole and every checksum matches.
    A database that already holds precinct's tables is replaced only with ``replace``.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file.")
    vendor = _vendor()
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".precinct-restore-", dir=media_root.parent) as tmp:
        manifest = _unpack_checked(path, Path(tmp), vendor=vendor)
        if not replace and _holds_data():
            raise BackupError(
                "The database already holds precinct's tables. Restore into an empty database, "
                "or pass --replace to overwrite it (stop the server and the worker first)."
            )
        db_file = Path(tmp) / manifest["database"]["member"]
        log(f"Restoring the {VENDOR_NAMES[vendor]} database…")
        if vendor == "postgresql":
            _restore_postgresql(db_file)
        else:
            _restore_sqlite(db_file)
        log(f"Restoring {manifest['media']['files']} media files…")
        _swap_media(Path(tmp) / MEDIA, media_root)
    _check_counts(manifest["counts"])
    report = _report(path, manifest)
    audit_record(
        actor=None,
        action="update",
        subject_type="database",
        subject_id=vendor,
        context=f"restored from a backup of {manifest['created_at'][:19]} ({report.rows} rows)",
    )
    return report


def backup_read_manifest(*, path: Path) -> dict:
    """The manifest of an archive (without checking its members)."""
    try:
        with tarfile.open(path, "r:gz") as tar:
            return _manifest_of(tar, path)
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise BackupError(f"{path} is not a precinct backup archive: {exc}") from None


def _manifest_of(tar: tarfile.TarFile, path: Path) -> dict:
    try:
        member = tar.getmember(MANIFEST)
        manifest = json.loads(tar.extractfile(member).read())
    except (KeyError, ValueError, AttributeError):
        raise BackupError(f"{path} is not a precinct backup archive (no manifest).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a precinct backup archive.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} has backup format version {manifest.get('format_version')}; "
            f"this precinct reads version {FORMAT_VERSION}."
        )
    return manifest


def _unpack_checked(path: Path, into: Path, *, vendor: str) -> dict:
    """Extract every member into ``into`` and check the manifest's vendor and checksums."""
    try:
        with tarfile.open(path, "r:gz") as tar:
            manifest = _manifest_of(tar, path)
            _check_vendor(manifest, vendor)
            expected = manifest["sha256"]
            for member in tar:
                if member.name == MANIFEST:
                    continue
                _extract_one(tar, member, into, expected)
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise BackupError(f"{path} cannot be read: {exc}") from None
    missing = [name for name in expected if not (into / name).is_file()]
    if missing:
        raise BackupError(f"{path} is incomplete: {len(missing)} members missing ({missing[0]}…).")
    return manifest


def _check_vendor(manifest: dict, vendor: str) -> None:
    theirs = manifest["database"]["vendor"]
    if theirs != vendor:
        raise BackupError(
            f"This backup is of a {VENDOR_NAMES.get(theirs, theirs)} database, but the "
            f"configured database (DATABASE_URL) is {VENDOR_NAMES[vendor]}. Restore it into "
            f"a {VENDOR_NAMES.get(theirs, theirs)} database; precinct does not convert "
            "between them."
        )


def _extract_one(tar: tarfile.TarFile, member: tarfile.TarInfo, into: Path, expected: dict):
    """One regular file at a safe relative name, listed in the manifest with its checksum."""
    name = PurePosixPath(member.name)
    if not member.isfile() or name.is_absolute() or ".." in name.parts:
        raise BackupError(f"Refused archive member {member.name!r}: not a plain relative file.")
    if member.name not in expected:
        raise BackupError(f"Archive member {member.name!r} is not in the manifest.")
    target = into / Path(*name.parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with tar.extractfile(member) as src, open(target, "wb") as dst:
        while chunk := src.read(_CHUNK):
            digest.update(chunk)
            dst.write(chunk)
    if digest.hexdigest() != expected[member.name]:
        raise BackupError(f"Checksum mismatch in {member.name}: the archive is damaged.")


def _holds_data() -> bool:
    return "django_migrations" in connection.introspection.table_names()


def _restore_postgresql(dump: Path) -> None:
    """pg_restore in one transaction: the database is either restored whole or unchanged."""
    connection.close()  # no lock of ours may stand in the way of DROP TABLE
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={_pg_params()['dbname']}",
            str(dump),
        ],
        "pg_restore",
    )


def _restore_sqlite(copy: Path) -> None:
    """SQLite's backup API from the archived copy into the configured database file."""
    connection.ensure_connection()
    with closing(sqlite3.connect(copy)) as source:
        source.backup(connection.connection)
    connection.close()


def _swap_media(unpacked: Path, media_root: Path) -> None:
    """Put the archive's media in place of the current directory, then drop the old one."""
    unpacked.mkdir(exist_ok=True)
    old = media_root.with_name(media_root.name + ".before-restore")
    if old.exists():
        shutil.rmtree(old)
    if media_root.exists():
        media_root.rename(old)
    unpacked.rename(media_root)
    if old.exists():
        shutil.rmtree(old)


def _check_counts(expected: dict[str, int]) -> None:
    actual = table_counts()
    wrong = [t for t, n in expected.items() if actual.get(t) != n]
    if wrong:
        t = wrong[0]
        raise BackupError(
            f"After the restore, {len(wrong)} tables differ from the manifest "
            f"(e.g. {t}: {actual.get(t)} rows, expected {expected[t]})."
        )


def table_counts() -> dict[str, int]:
    """Rows per table of the configured database, as the manifest counts them."""
    if connection.vendor == "postgresql":
        with psycopg.connect(**_pg_params()) as conn:
            return _counts_pg(conn)
    connection.ensure_connection()
    return _counts_sqlite(connection.connection)


# --- PostgreSQL connection ------------------------------------------------------------------


def _pg_params() -> dict:
    db = connection.settings_dict
    params = {"dbname": db["NAME"], "user": db["USER"] or None, "host": db["HOST"] or None}
    if db["PORT"]:
        params["port"] = str(db["PORT"])
    if db["PASSWORD"]:
        params["password"] = db["PASSWORD"]
    return {k: v for k, v in params.items() if v is not None}


def _pg_env() -> dict:
    """pg_dump and pg_restore read the connection from the environment (no password in argv)."""
    names = {"dbname": "PGDATABASE", "user": "PGUSER", "host": "PGHOST", "port": "PGPORT"}
    env = {**os.environ, **{names[k]: v for k, v in _pg_params().items() if k in names}}
    if "password" in _pg_params():
        env["PGPASSWORD"] = _pg_params()["password"]
    return env


def _run(args: list[str], tool: str) -> None:
    try:
        done = subprocess.run(args, env=_pg_env(), capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{tool} is not installed (PostgreSQL client tools).") from None
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip()[-500:]}")
