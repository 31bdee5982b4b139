"""Fetches pinned source distributions from PyPI, cached, and unpacks them.

Shared by the reliability harness (corpus.py) and the project test runner
(project_tests.py). Only PyPI's simple index (JSON form) and
files.pythonhosted.org are used, so it works where only the package
registries are reachable. Every download is checked against the sha256
the index publishes; a cached archive is reused without touching the network.
"""

import hashlib
import json
import shutil
import tarfile
import urllib.request
import zipfile
from pathlib import Path

SIMPLE_INDEX = "https://pypi.org/simple"
JSON_ACCEPT = "application/vnd.pypi.simple.v1+json"


def _sdist_entry(name: str, version: str) -> dict:
    """The index's file entry for the sdist of `name==version`."""
    request = urllib.request.Request(f"{SIMPLE_INDEX}/{name}/", headers={"Accept": JSON_ACCEPT})
    with urllib.request.urlopen(request, timeout=120) as response:
        files = json.load(response)["files"]
    normalized = name.lower().replace("-", "_").replace(".", "_")
    for entry in files:
        filename = entry["filename"]
        stem = filename.lower().replace("-", "_").replace(".", "_")
        for suffix in (".tar.gz", ".zip", ".tar.bz2"):
            expected = f"{normalized}_{version}{suffix}".replace(".", "_")
            if stem == expected:
                return entry
    raise SystemExit(f"{name}=={version}: no source distribution on PyPI")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(name: str, version: str, cache: Path) -> Path:
    """The sdist archive of `name==version`, from `cache` or from PyPI."""
    cache.mkdir(parents=True, exist_ok=True)
    for cached in cache.glob(f"{name}-{version}.*"):
        if cached.suffix != ".part":
            return cached
    entry = _sdist_entry(name, version)
    suffix = "".join(s for s in (".tar.gz", ".zip", ".tar.bz2") if entry["filename"].endswith(s))
    target = cache / f"{name}-{version}{suffix}"
    partial = target.with_name(target.name + ".part")
    with urllib.request.urlopen(entry["url"], timeout=300) as response, partial.open("wb") as out:
        shutil.copyfileobj(response, out)
    expected = entry["hashes"].get("sha256")
    if expected and _sha256(partial) != expected:
        partial.unlink()
        raise SystemExit(f"{name}=={version}: sha256 mismatch")
    partial.rename(target)
    return target


def unpack(archive: Path, destination: Path) -> Path:
    """Unpacks `archive` into a fresh `destination`; returns the project root."""
    if destination.exists():
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as zipped:
            zipped.extractall(destination)
    else:
        with tarfile.open(archive) as tarred:
            tarred.extractall(destination, filter="data")
    entries = list(destination.iterdir())
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else destination


def fetch(name: str, version: str, cache: Path, destination: Path) -> Path:
    """Downloads (or reuses) and unpacks `name==version`; returns its root."""
    return unpack(download(name, version, cache), destination)
