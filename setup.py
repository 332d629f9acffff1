"""Build step of the package: everything else is in pyproject.toml.

The repository keeps templates/, static/ and migrations/ at its top level, and the compiled catalogs (*.mo)
out of git. A built wheel must carry all of them, or an installed registry has no pages, no schema and no
English: ``build_py`` copies the three folders into ``registry/_bundled/`` of the built package and compiles
every ``registry/translations/*/LC_MESSAGES/*.po`` into its ``.mo`` beside it. An editable install
(``make install``) skips this: the app then reads the checkout's own folders, and ``make`` compiles the
catalogs in place.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BUNDLED = ("templates", "static", "migrations")
IGNORED = shutil.ignore_patterns("__pycache__", "*.py[co]", ".*")


def compile_catalogs(source: Path, target: Path) -> list[Path]:
    """Compile each ``.po`` under ``source`` into the same place under ``target`` (fuzzy entries kept)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(source.glob("*/LC_MESSAGES/*.po")):
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name, domain=po.stem)
        with mo.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=True)
        written.append(mo)
    if not written:
        raise SystemExit(f"no catalogs (*.po) found under {source}")
    return written


class BuildWithResources(build_py):
    """``build_py`` plus the repository's templates, static files, migrations and compiled catalogs."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        package = Path(self.build_lib) / "registry"
        self._generated = []
        for name in BUNDLED:
            source, target = HERE / name, package / "_bundled" / name
            if not source.is_dir():
                raise SystemExit(f"{source} is missing: the package cannot be built without it")
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target, ignore=IGNORED)
            self._generated += [path for path in target.rglob("*") if path.is_file()]
        translations = HERE / "registry" / "translations"
        self._generated += compile_catalogs(translations, package / "translations")

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        return [*super().get_outputs(include_bytecode), *map(str, getattr(self, "_generated", []))]


setup(cmdclass={"build_py": BuildWithResources})
