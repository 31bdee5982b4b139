"""A PEP 517 build backend that builds nothing: its metadata hook returns the
metadata the source distribution already ships (its PKG-INFO).

pypi.py puts it, under the names of real backends (`mesonpy`,
`setuptools.build_meta`, ...), in front of pip while `pip download` fetches
a pinned sdist, so that pip checks and saves the archive without running the
project's own backend (which, for meson-python projects, compiles the whole
project just to write its metadata). Only the hooks pip calls when it
prepares metadata without build isolation are defined.
"""

import email.parser
import re
import sys
from pathlib import Path

# What a stand-in (`from sdist_metadata import *`) takes.
__all__ = ["prepare_metadata_for_build_wheel", "get_requires_for_build_wheel", "__legacy__"]


def _dist_info_name(pkg_info: str) -> str:
    """`name-version.dist-info`, with the name normalized as wheels spell it."""
    fields = email.parser.Parser().parsestr(pkg_info, headersonly=True)
    name = re.sub(r"[-_.]+", "_", fields["Name"])
    return f"{name}-{fields['Version']}.dist-info"


def prepare_metadata_for_build_wheel(metadata_directory: str, config_settings: dict | None = None) -> str:
    """Writes the sdist's PKG-INFO (in the working directory, the unpacked
    sdist) as METADATA of a .dist-info directory; returns that directory's name."""
    pkg_info = Path("PKG-INFO").read_text(encoding="utf-8")
    dist_info = Path(metadata_directory) / _dist_info_name(pkg_info)
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(pkg_info, encoding="utf-8")
    return dist_info.name


def get_requires_for_build_wheel(config_settings: dict | None = None) -> list[str]:
    """Nothing is needed to read a file."""
    return []


# setuptools' backend for projects without a `build-backend` is named
# `setuptools.build_meta:__legacy__`.
__legacy__ = sys.modules[__name__]
