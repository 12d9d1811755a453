"""Fonts with every Vietnamese letter: Liberation Serif (Times metrics, Debian's fonts-liberation2)
when installed, else Gentium Book Plus from the rendercv-fonts package that requirements install.

fpdf2 silently drops a glyph a font lacks, so the choice is checked against every letter.
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

_VOWELS = "aăâeêioôơuưy"
_TONES = "\u0300\u0309\u0303\u0301\u0323"


def vietnamese_letters() -> str:
    """The 134 letters beyond ASCII: 12 vowels × 5 tones, ă â ê ô ơ ư, đ — lower and upper case."""
    lower = [unicodedata.normalize("NFC", vowel + tone) for vowel in _VOWELS for tone in _TONES]
    lower += list("ăâêôơưđ")
    return "".join(lower) + "".join(letter.upper() for letter in lower)


@dataclass(frozen=True)
class FontFamily:
    name: str
    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path

    def files(self) -> dict[str, Path]:
        return {"": self.regular, "B": self.bold, "I": self.italic, "BI": self.bold_italic}


def _liberation(folder: Path) -> FontFamily:
    return FontFamily("Liberation Serif", folder / "LiberationSerif-Regular.ttf", folder / "LiberationSerif-Bold.ttf",
                      folder / "LiberationSerif-Italic.ttf", folder / "LiberationSerif-BoldItalic.ttf")


def _gentium() -> FontFamily | None:
    try:
        import rendercv_fonts
    except ImportError:
        return None
    folder = rendercv_fonts.package_folder_path / "Gentium Book Plus"
    return FontFamily("Gentium Book Plus", folder / "GentiumBookPlus-Regular.ttf", folder / "GentiumBookPlus-Bold.ttf",
                      folder / "GentiumBookPlus-Italic.ttf", folder / "GentiumBookPlus-BoldItalic.ttf")


LIBERATION_DIRS = (Path("/usr/share/fonts/truetype/liberation2"), Path("/usr/share/fonts/truetype/liberation"))


def candidates(extra_dir: str | None = None) -> list[FontFamily]:
    """Every supported family present on this machine, best first."""
    found = []
    for folder in ([Path(extra_dir)] if extra_dir else []) + list(LIBERATION_DIRS):
        family = _liberation(folder)
        if all(path.exists() for path in family.files().values()):
            found.append(family)
            break
    gentium = _gentium()
    if gentium and all(path.exists() for path in gentium.files().values()):
        found.append(gentium)
    return found


@lru_cache(maxsize=16)
def missing_letters(path: Path) -> str:
    """Vietnamese letters (and printable ASCII) the font file has no glyph for."""
    cmap = TTFont(str(path), lazy=True).getBestCmap()
    wanted = vietnamese_letters() + "".join(chr(c) for c in range(32, 127))
    return "".join(ch for ch in wanted if ord(ch) not in cmap)


def choose(extra_dir: str | None = None) -> FontFamily:
    """The first family that covers every letter in all four styles."""
    for family in candidates(extra_dir):
        if not any(missing_letters(path) for path in family.files().values()):
            return family
    raise RuntimeError("no font with every Vietnamese letter: install fonts-liberation2 or rendercv-fonts")


# Everything a certificate or report can print: ASCII, Latin-1 and Latin Extended-A, Vietnamese,
# and the typographic punctuation Vietnamese text uses.
DOCUMENT_CHARS = ("".join(chr(c) for c in range(32, 127)) + "".join(chr(c) for c in range(0xA0, 0x180))
                  + vietnamese_letters() + "–—‘’“”…•№°")


def _subset(source: Path, target: Path) -> None:
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=DOCUMENT_CHARS)
    subsetter.subset(font)
    subset.save_font(font, str(target), options)


@lru_cache(maxsize=4)
def prepared(extra_dir: str | None = None) -> FontFamily:
    """The chosen family cut down once per process to the characters documents use.

    A fifth of the size, so fpdf2 parses it several times faster for every document.
    """
    family = choose(extra_dir)
    stamp = hashlib.sha256("|".join(f"{p}:{p.stat().st_size}:{p.stat().st_mtime_ns}"
                                    for p in family.files().values()).encode()).hexdigest()[:16]
    folder = Path(tempfile.gettempdir()) / f"quantriet-fonts-{stamp}"
    paths = {style: folder / path.name for style, path in family.files().items()}
    if not all(p.exists() for p in paths.values()):
        folder.mkdir(parents=True, exist_ok=True)
        for style, path in family.files().items():
            partial = folder / f".{path.name}.{os.getpid()}"
            _subset(path, partial)
            partial.replace(paths[style])  # atomic: workers starting together never read half a file
    return FontFamily(family.name, paths[""], paths["B"], paths["I"], paths["BI"])
