"""Tests of the sdist fetcher: the cache, the pip command, the stand-in backends.

Run: python3 -m unittest tests/scripts/test_pypi.py  (.ci/run does); no network.
"""

import hashlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pypi  # noqa: E402
from pypi import Sdist  # noqa: E402

SCRIPTS = Path(__file__).resolve().parent
ARCHIVE = b"the bytes of an sdist"
SDIST = Sdist("Some.Project", "1.0", hashlib.sha256(ARCHIVE).hexdigest())
PKG_INFO = "Metadata-Version: 2.1\nName: Some.Project\nVersion: 1.0\nSummary: a project\n\nIts description.\n"


def fake_pip(saved_name: str):
    """A stand-in for `subprocess.run` of `pip download`: saves ARCHIVE as
    `saved_name` in the --dest directory, and records the call."""
    calls = []

    def run(command, **kwargs):
        calls.append((command, kwargs))
        destination = Path(command[command.index("--dest") + 1])
        destination.mkdir(parents=True, exist_ok=True)
        (destination / saved_name).write_bytes(ARCHIVE)
        return subprocess.CompletedProcess(command, 0)

    return run, calls


class Download(unittest.TestCase):
    def setUp(self):
        self.cache = Path(tempfile.mkdtemp(prefix="pypi-test-"))
        self.addCleanup(shutil.rmtree, self.cache, ignore_errors=True)
        quiet = mock.patch.object(pypi.sys, "stderr", io.StringIO())
        quiet.start()
        self.addCleanup(quiet.stop)

    def test_a_cached_archive_is_reused_without_pip(self):
        (self.cache / "Some.Project-1.0.tar.gz").write_bytes(ARCHIVE)
        with mock.patch.object(pypi.subprocess, "run", side_effect=AssertionError("pip ran")):
            self.assertEqual(pypi.download(SDIST, self.cache), self.cache / "Some.Project-1.0.tar.gz")

    def test_a_cached_archive_with_another_hash_is_fetched_again(self):
        (self.cache / "Some.Project-1.0.tar.gz").write_bytes(b"truncated")
        run, calls = fake_pip("some_project-1.0.tar.gz")
        with mock.patch.object(pypi.subprocess, "run", run):
            archive = pypi.download(SDIST, self.cache)
        self.assertEqual(len(calls), 1)
        self.assertEqual(archive.read_bytes(), ARCHIVE)

    def test_the_archive_pip_saves_is_cached_under_the_pinned_name(self):
        run, _ = fake_pip("some_project-1.0.zip")
        with mock.patch.object(pypi.subprocess, "run", run):
            archive = pypi.download(SDIST, self.cache)
        self.assertEqual(archive, self.cache / "Some.Project-1.0.zip")
        self.assertEqual([p.name for p in self.cache.iterdir()], ["Some.Project-1.0.zip"])

    def test_pip_is_pinned_to_the_hash_and_builds_nothing(self):
        run, calls = fake_pip("some_project-1.0.tar.gz")
        with mock.patch.object(pypi.subprocess, "run", run):
            pypi.download(SDIST, self.cache)
        (command, kwargs), = calls
        self.assertEqual(command[:4], [sys.executable, "-m", "pip", "download"])
        for flag in ("--no-deps", "--no-build-isolation", "--require-hashes"):
            self.assertIn(flag, command)
        self.assertEqual(command[command.index("--no-binary") + 1], ":all:")
        self.assertTrue(kwargs["env"]["PYTHONPATH"].split(os.pathsep)[0].endswith("backends"))

    def test_a_failed_pip_download_stops_with_the_project_named(self):
        failed = mock.Mock(return_value=subprocess.CompletedProcess([], 1))
        with mock.patch.object(pypi.subprocess, "run", failed), self.assertRaises(SystemExit) as stop:
            pypi.download(SDIST, self.cache)
        self.assertIn("Some.Project==1.0", str(stop.exception))
        self.assertEqual(list(self.cache.iterdir()), [])


class StandInBackends(unittest.TestCase):
    def test_each_backend_returns_the_pkg_info_as_metadata(self):
        with tempfile.TemporaryDirectory() as work:
            backends, source, metadata = Path(work, "backends"), Path(work, "source"), Path(work, "metadata")
            for directory in (backends, source, metadata):
                directory.mkdir()
            pypi.write_stand_in_backends(backends)
            (source / "PKG-INFO").write_text(PKG_INFO, encoding="utf-8")
            names = [*pypi.BACKENDS, "setuptools.build_meta:__legacy__"]
            for index, name in enumerate(names):
                module, _, attribute = name.partition(":")
                hook = f"import importlib; backend = importlib.import_module({module!r})"
                hook += f"; backend = getattr(backend, {attribute!r}) if {attribute!r} else backend"
                hook += f"; print(backend.prepare_metadata_for_build_wheel({str(metadata / str(index))!r}))"
                done = subprocess.run(
                    [sys.executable, "-c", hook],
                    cwd=source,
                    env=dict(os.environ, PYTHONPATH=str(backends)),
                    capture_output=True,
                    text=True,
                    check=True,
                )
                self.assertEqual(done.stdout.strip(), "Some_Project-1.0.dist-info", name)
                written = metadata / str(index) / "Some_Project-1.0.dist-info" / "METADATA"
                self.assertEqual(written.read_text(encoding="utf-8"), PKG_INFO, name)


class NoIndexAddress(unittest.TestCase):
    def test_the_scripts_name_no_index(self):
        for script in ("pypi.py", "sdist_metadata.py", "corpus.py", "project_tests.py", "bench.py"):
            self.assertNotIn("://", (SCRIPTS / script).read_text(encoding="utf-8"), script)


if __name__ == "__main__":
    unittest.main()
