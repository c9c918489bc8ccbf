"""Make lib/plot/fonts/NotoSansCJKsc-subset.otf: the glyphs of the Chinese strings, nothing more.

    /usr/bin/python3 scripts/make_cjk_font.py

Reads every character of the files in SOURCES that DejaVu Sans (the page's and the figures' main
font) lacks, and keeps just those glyphs of Noto Sans CJK SC Regular (Debian's fonts-noto-cjk,
SIL Open Font License 1.1; licence beside the output). Needs Debian's python3-fonttools. The output
is committed; run this again after adding Chinese strings (tests/zh_test.ts says when).
"""

import pathlib
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCES = ["web/src/strings.ts", "lib/plot/labels.ts"]
NOTO = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
NOTO_SC = 2  # the collection's fonts: JP, KR, SC, TC, HK, …
DEJAVU = ROOT / "lib/plot/fonts/DejaVuSans.ttf"
OUT = ROOT / "lib/plot/fonts/NotoSansCJKsc-subset.otf"


def main() -> None:
    dejavu = set(TTFont(DEJAVU).getBestCmap())
    text = "".join((ROOT / path).read_text(encoding="utf-8") for path in SOURCES)
    wanted = sorted({ord(ch) for ch in text if ord(ch) > 0x7F and ord(ch) not in dejavu})
    font = TTCollection(NOTO).fonts[NOTO_SC]
    missing = [chr(c) for c in wanted if c not in font.getBestCmap()]
    if missing:
        sys.exit(f"error: {NOTO}: no glyph for {''.join(missing)}")
    options = subset.Options()
    options.hinting = False
    options.layout_features = ["kern", "palt", "vert"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    font.recalcTimestamp = False  # the same bytes on every run
    font.save(OUT)
    print(f"wrote {OUT.relative_to(ROOT)}: {len(wanted)} characters, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
