"""Fetches pinned source distributions with pip, cached, and unpacks them.

Shared by the reliability harness (corpus.py), the project test runner
(project_tests.py) and the benchmark (bench.py). Archives come from
`python -m pip download`, so the index, proxy, certificates and credentials
configured for pip apply; nothing here names an index. Each archive is
pinned by its sha256: pip checks it (hash-checking mode), and a cached
archive is reused, without touching the network, only if it still matches.

`pip download --no-deps` still prepares an sdist's metadata before saving
it (pypa/pip#1884), by running the project's build backend. meson-python
(numpy, scipy, pandas, matplotlib) has no metadata hook, so pip would build
the whole project: minutes of compiling for numpy, and a failure for scipy
on a machine without a Fortran compiler. An sdist already carries its
metadata (PKG-INFO), so pip runs without build isolation, with stand-ins for
the backends (sdist_metadata.py) in front of it on PYTHONPATH: their
metadata hook returns PKG-INFO, and nothing is built or installed. A project
whose backend lives in its own tree (setuptools) is served by that backend.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path
from typing import NamedTuple

SCRIPTS = Path(__file__).resolve().parent
SUFFIXES = (".tar.gz", ".zip", ".tar.bz2")

# The build backends of the pinned projects, each stood in for by
# sdist_metadata.py while pip downloads. Pinning a project with another
# backend: add its name here (pip says which one it could not import).
BACKENDS = ("mesonpy", "setuptools.build_meta", "hatchling.build", "flit_core.buildapi")


class Sdist(NamedTuple):
    """A pinned source distribution: project, version, sha256 of the archive."""

    name: str
    version: str
    sha256: str

    def __str__(self) -> str:
        return f"{self.name}=={self.version}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _cached(sdist: Sdist, cache: Path) -> Path | None:
    """The archive of `sdist` in `cache`, if it is there and its sha256 matches."""
    for path in sorted(cache.glob(f"{sdist.name}-{sdist.version}.*")):
        if path.name.endswith(SUFFIXES) and _sha256(path) == sdist.sha256:
            return path
    return None


def write_stand_in_backends(directory: Path) -> None:
    """Makes each of BACKENDS importable from `directory` as sdist_metadata.py."""
    shutil.copy(SCRIPTS / "sdist_metadata.py", directory / "sdist_metadata.py")
    for backend in BACKENDS:
        *packages, module = backend.split(".")
        for depth in range(1, len(packages) + 1):
            package = directory.joinpath(*packages[:depth])
            package.mkdir(exist_ok=True)
            (package / "__init__.py").touch()
        stand_in = directory.joinpath(*packages, f"{module}.py")
        stand_in.write_text("from sdist_metadata import *  # noqa: F403\n", encoding="utf-8")


def pip_download_command(requirements: Path, destination: Path) -> list[str]:
    """`pip download` of the pinned sdists in `requirements` into `destination`."""
    only_the_sdist = ["--no-deps", "--no-binary", ":all:", "--ignore-requires-python"]
    without_building = ["--no-build-isolation"]
    pinned = ["--require-hashes", "--requirement", str(requirements)]
    return [sys.executable, "-m", "pip", "download", "--quiet", *only_the_sdist, *without_building, *pinned, "--dest", str(destination)]


def _pip_download(sdist: Sdist, work: Path) -> Path:
    """Downloads the archive of `sdist` with pip into `work` (an empty
    directory); returns its path."""
    requirements = work / "requirements.txt"
    requirements.write_text(f"{sdist} --hash=sha256:{sdist.sha256}\n", encoding="utf-8")
    backends = work / "backends"
    backends.mkdir()
    write_stand_in_backends(backends)
    python_path = [str(backends), *filter(None, [os.environ.get("PYTHONPATH")])]
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(python_path))
    destination = work / "downloaded"
    print(f"fetching {sdist} with pip", file=sys.stderr, flush=True)
    done = subprocess.run(pip_download_command(requirements, destination), env=environment, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{sdist}: pip download failed (exit status {done.returncode}); see above")
    archives = [path for path in destination.iterdir() if path.name.endswith(SUFFIXES)]
    if len(archives) != 1:
        raise SystemExit(f"{sdist}: pip download saved {[path.name for path in archives]}, not one sdist")
    return archives[0]


def download(sdist: Sdist, cache: Path) -> Path:
    """The sdist archive of `sdist`, from `cache` or fetched into it with pip."""
    cache.mkdir(parents=True, exist_ok=True)
    cached = _cached(sdist, cache)
    if cached:
        return cached
    with tempfile.TemporaryDirectory(dir=cache, prefix=".download-") as work:
        archive = _pip_download(sdist, Path(work))
        suffix = next(suffix for suffix in SUFFIXES if archive.name.endswith(suffix))
        target = cache / f"{sdist.name}-{sdist.version}{suffix}"
        archive.replace(target)
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


def fetch(sdist: Sdist, cache: Path, destination: Path) -> Path:
    """Downloads (or reuses) and unpacks `sdist`; returns its root."""
    return unpack(download(sdist, cache), destination)
