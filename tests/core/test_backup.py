"""`precinct backup` and `precinct restore`: the restore drill and the refusals.

The drill (docs/operations.md, "Backups and restore") runs here on SQLite and, with
DATABASE_URL on PostgreSQL, on PostgreSQL: back up, wipe the database and the media
directory, restore, and find the same rows, the same audit entries (still append-only)
and byte-identical media.
"""

import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from precinct.appeals import selectors, services
from precinct.appeals.models import Channel
from precinct.audit.models import AuditEntry
from precinct.core import backup

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
PDF = b"%PDF-1.7\n" + b"resident's scan\n" * 50


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _appeals_with_files(personas) -> None:
    """Two appeals from residents with attachments, one taken by phone; one staff read."""
    common = {
        "type": "request",
        "channel": Channel.WEB,
        "contact_name": "Айгуль Сапарова",
        "contact_phone": "+7 701 234 56 78",
        "lat": 43.24,
        "lon": 76.90,
    }
    first, _ = services.appeal_register(
        text="Шумят соседи", attachments=[("a.png", PNG), ("b.pdf", PDF)], **common
    )
    services.appeal_register(text="Не горит фонарь", attachments=[("c.png", PNG[:500])], **common)
    services.appeal_register(
        text="Звонок на телефон доверия",
        **{**common, "channel": Channel.PHONE},
        registered_by=personas.head,
    )
    selectors.appeal_detail(user=personas.head, appeal_id=first.pk)


def _audit_rows() -> list[tuple]:
    return list(
        AuditEntry.objects.order_by("id").values_list(
            "id", "at", "actor_id", "actor_username", "action", "subject_type", "subject_id",
            "fields", "context",
        )
    )  # fmt: skip


def _media_digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _wipe_database() -> None:
    """Lose everything: every table of the database, as after a failed disk."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        return
    name = connection.settings_dict["NAME"]
    connection.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{name}{suffix}").unlink(missing_ok=True)


def _assert_append_only() -> None:
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    for sql in (f"UPDATE {table} SET context = 'changed'", f"DELETE FROM {table}"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)


@pytest.mark.django_db(transaction=True)
def test_restore_drill__rows_audit_log_and_media_come_back(personas, media, tmp_path):
    _appeals_with_files(personas)
    counts, audit, files = backup.table_counts(), _audit_rows(), _media_digests(media)
    assert len(files) == 3 and len(audit) >= 2
    archive = tmp_path / "precinct.tar.gz"

    call_command("backup", str(archive), stdout=io.StringIO())
    assert archive.stat().st_mode & 0o777 == 0o600  # it holds every resident's data
    manifest = backup.backup_read_manifest(path=archive)
    assert manifest["counts"] == counts  # the snapshot, before the backup's own audit entry
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["media"]["files"] == 3

    _wipe_database()
    shutil.rmtree(media)
    assert backup.table_counts() == {}

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "the counts match the manifest" in out.getvalue()
    restored = backup.table_counts()
    audit_table = AuditEntry._meta.db_table
    assert {t: n for t, n in restored.items() if t != audit_table} == {
        t: n for t, n in counts.items() if t != audit_table
    }
    after = _audit_rows()
    assert after[: len(audit)] == audit  # every entry as it was
    assert [row[8] for row in after[len(audit) :]] == [after[-1][8]]  # and the restore's own
    assert after[-1][8].startswith("restored from a backup")
    _assert_append_only()
    assert _media_digests(media) == files


@pytest.mark.django_db(transaction=True)
def test_restore__into_a_database_with_data__needs_replace(personas, media, tmp_path):
    _appeals_with_files(personas)
    archive = tmp_path / "b.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    expected = backup.backup_read_manifest(path=archive)["counts"]
    services.appeal_register(
        type="request", channel=Channel.WEB, text="После бэкапа", contact_name="Ерлан",
        contact_phone="+7 702 000 11 22", lat=43.24, lon=76.90,
    )  # fmt: skip
    (media / "stray.txt").write_text("not in the backup")

    with pytest.raises(CommandError, match="--replace"):
        call_command("restore", str(archive), stdout=io.StringIO())
    call_command("restore", str(archive), "--replace", stdout=io.StringIO())

    counts = backup.table_counts()
    audit_table = AuditEntry._meta.db_table
    assert {t: n for t, n in counts.items() if t != audit_table} == {
        t: n for t, n in expected.items() if t != audit_table
    }
    assert not (media / "stray.txt").exists()


def _rewritten(archive: Path, target: Path, change) -> Path:
    """A copy of ``archive`` with ``change(name, data) -> data`` applied to each member."""
    with tarfile.open(archive, "r:gz") as src, tarfile.open(target, "w:gz") as dst:
        for member in src:
            data = change(member.name, src.extractfile(member).read())
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return target


@pytest.mark.django_db(transaction=True)
def test_restore__other_vendor__is_refused_with_a_clear_message(personas, media, tmp_path):
    _appeals_with_files(personas)
    archive = tmp_path / "b.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"

    def vendor(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["database"]["vendor"] = other
        return json.dumps(manifest).encode()

    foreign = _rewritten(archive, tmp_path / "foreign.tar.gz", vendor)
    with pytest.raises(CommandError, match="precinct does not convert between them"):
        call_command("restore", str(foreign), "--replace", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_restore__damaged_member__is_refused_before_anything_changes(personas, media, tmp_path):
    _appeals_with_files(personas)
    archive = tmp_path / "b.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    counts, files = backup.table_counts(), _media_digests(media)

    def flip(name, data):
        return data[:-1] + b"!" if name.startswith("media/") else data

    damaged = _rewritten(archive, tmp_path / "damaged.tar.gz", flip)
    with pytest.raises(CommandError, match="Checksum mismatch"):
        call_command("restore", str(damaged), "--replace", stdout=io.StringIO())
    assert backup.table_counts() == counts
    assert _media_digests(media) == files


def test_restore__not_an_archive__says_so(db, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar")
    with pytest.raises(CommandError, match=r"not a precinct backup archive|cannot be read"):
        call_command("restore", str(junk), stdout=io.StringIO())
