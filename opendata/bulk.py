"""Yearly OCDS bulk files (JSON Lines), built by a worker and served as files.

A year's file is ``OCDS_BULK_ROOT/ocds-katalog-lokal-<year>-<hash>.jsonl`` and a small
manifest ``<year>.json`` names the current one with its size, SHA-256 (the ETag), build
time (Last-Modified) and the state of the orders it was built from (how many published
orders, the newest ``updated_at``). The file is stale when that state has changed.

Rebuilt nightly (beat) and a few minutes after a change to a published order (one rebuild
for a burst of changes). Without a broker (the demo, the tests) nothing runs later, so a
stale or missing file is rebuilt by the download that finds it.

A new file is written beside the old one and the manifest is swapped atomically, so a
download in progress keeps reading the file it opened.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Max
from django.utils import timezone

from . import ocds

CHUNK_SIZE = 200
KEEP_OLD_FILES = 1  # the previous file stays for downloads that started before the swap


@dataclass(frozen=True)
class BulkFile:
    year: int
    path: Path
    size: int
    etag: str
    built_at: datetime
    records: int
    source: dict

    @property
    def filename(self) -> str:
        return f"ocds-katalog-lokal-{self.year}.jsonl"


def root() -> Path:
    return Path(settings.OCDS_BULK_ROOT)


def _manifest_path(year: int) -> Path:
    return root() / f"{year}.json"


def source_state(year: int) -> dict:
    """What the file depends on, in one aggregate query."""
    state = ocds.published_orders().filter(fiscal_year=year).aggregate(n=Count("id"), last=Max("updated_at"))
    return {"orders": state["n"], "last_change": state["last"].isoformat() if state["last"] else None}


def current(year: int) -> BulkFile | None:
    """The year's built file, if there is one (whether or not it is stale)."""
    try:
        manifest = json.loads(_manifest_path(year).read_text())
    except (FileNotFoundError, ValueError):
        return None
    path = root() / manifest["file"]
    if not path.exists():
        return None
    return BulkFile(
        year=year,
        path=path,
        size=manifest["size"],
        etag=manifest["sha256"],
        built_at=datetime.fromisoformat(manifest["built_at"]),
        records=manifest["records"],
        source=manifest["source"],
    )


def is_fresh(bulk: BulkFile | None, state: dict | None = None) -> bool:
    return bulk is not None and bulk.source == (state or source_state(bulk.year))


@contextmanager
def _year_lock(year: int):
    """One build per year at a time, across processes on this machine (the others wait)."""
    root().mkdir(parents=True, exist_ok=True)
    with open(root() / f"{year}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write_atomically(path: Path, data: bytes) -> None:
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, prefix=".tmp-") as tmp:
        tmp.write(data)
        tmp.flush()
        os.fsync(tmp.fileno())
    os.chmod(tmp.name, 0o644)
    os.replace(tmp.name, path)


def build(year: int, *, force: bool = False) -> BulkFile | None:
    """(Re)build the year's file unless it is already fresh; None when the year has no data."""
    with _year_lock(year):
        state = source_state(year)  # before reading: a change during the build leaves it stale
        existing = current(year)
        if not force and is_fresh(existing, state):
            return existing
        if not state["orders"]:
            _remove(year)
            return None
        digest = hashlib.sha256()
        size = records = 0
        orders = ocds.with_ocds_relations(ocds.published_orders().filter(fiscal_year=year)).order_by("id")
        with tempfile.NamedTemporaryFile(dir=root(), delete=False, prefix=".tmp-", suffix=".jsonl") as tmp:
            for order in orders.iterator(chunk_size=CHUNK_SIZE):
                record = ocds.record_for(order)
                if record is None:
                    continue
                line = (json.dumps(record, ensure_ascii=False, cls=DjangoJSONEncoder) + "\n").encode()
                tmp.write(line)
                digest.update(line)
                size += len(line)
                records += 1
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp.name, 0o644)  # public data: readable by nginx or a backup job
        etag = digest.hexdigest()
        final = root() / f"ocds-katalog-lokal-{year}-{etag[:16]}.jsonl"
        os.replace(tmp.name, final)
        # Same content as before: keep its Last-Modified, so caches keep their copy.
        built_at = existing.built_at if existing and existing.etag == etag else timezone.now()
        manifest = {
            "file": final.name,
            "size": size,
            "sha256": etag,
            "built_at": built_at.isoformat(),
            "records": records,
            "source": state,
        }
        _write_atomically(_manifest_path(year), json.dumps(manifest).encode())
        _prune(year, keep=final.name)
        return current(year)


def _data_files(year: int) -> list[Path]:
    return sorted(root().glob(f"ocds-katalog-lokal-{year}-*.jsonl"), key=lambda p: p.stat().st_mtime)


def _prune(year: int, *, keep: str) -> None:
    old = [p for p in _data_files(year) if p.name != keep]
    for path in old[: max(len(old) - KEEP_OLD_FILES, 0)]:
        path.unlink(missing_ok=True)


def _remove(year: int) -> None:
    _manifest_path(year).unlink(missing_ok=True)
    for path in _data_files(year):
        path.unlink(missing_ok=True)


def years_with_data() -> list[int]:
    return sorted(ocds.published_orders().order_by().values_list("fiscal_year", flat=True).distinct())


def built_years() -> list[int]:
    if not root().exists():
        return []
    return sorted(int(p.stem) for p in root().glob("*.json") if p.stem.isdigit())


# --- asking for rebuilds ----------------------------------------------------------------------


def _rebuild_key(year: int) -> str:
    return f"opendata:ocds-bulk:rebuild-queued:{year}"


def schedule_rebuild(year: int) -> None:
    """After a change: rebuild the year's file a little later (one rebuild per burst of changes)."""
    from ecatalog.celery import enqueue, runs_inline

    from .tasks import rebuild_ocds_bulk_file

    if runs_inline():
        return  # no worker: the next download rebuilds the stale file
    delay = settings.OCDS_BULK_REBUILD_DELAY
    if cache.add(_rebuild_key(year), 1, delay):
        if not enqueue(rebuild_ocds_bulk_file, year, countdown=delay):
            cache.delete(_rebuild_key(year))


def file_for_download(year: int) -> BulkFile | None:
    """The file to serve: fresh if possible; never makes a visitor wait when a worker can build it.

    * no file yet: built now (once; concurrent requests wait for the same build);
    * stale, with a worker: the current file is served and a rebuild is queued;
    * stale, without a worker: rebuilt now.
    """
    from ecatalog.celery import runs_inline

    bulk = current(year)
    state = source_state(year)
    if is_fresh(bulk, state):
        return bulk
    if not state["orders"]:
        return None
    if bulk is None or runs_inline():
        return build(year)
    schedule_rebuild(year)
    return bulk
