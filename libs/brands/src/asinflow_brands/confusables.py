"""Characters that imitate Latin letters, folded to the letters they imitate (Unicode TR39 data, via ``disarm``).

A seller who writes "Асmе" with Cyrillic А, с and е, or "ΝΙΚΕ" in Greek capitals, must meet the same gate as
"Acme" and "NIKE". The mapping from look-alike to letter is the Unicode confusables data (UTS #39,
``confusables.txt``), and it comes from a maintained library, not from a table kept here.

Library chosen: ``disarm`` (PyPI, MIT, pre-built abi3 wheels for Linux, macOS and Windows, no system packages).
It ships the UTS #39 confusables data of Unicode 17.0 and folds confusables *towards Latin*
(``normalize_confusables(..., target_script="latin")``), which is what a brand key needs. Two of its choices
matter here and are the reason it was picked over a raw TR39 skeleton:

- It does not apply TR39's ASCII-to-ASCII rows ("m" → "rn", "I" → "l", "0" → "O", "1" → "l"), so an ordinary
  ASCII brand keeps its own letters ("Acme" stays "acme", not "acrne"). The digit look-alikes are handled by
  :mod:`asinflow_brands.digits` instead, with a rule that keeps "3M" and "Levi's 501" apart from other brands.
- It folds the whole capital-I family (Greek Ι, Cyrillic І and Ӏ, Roman numeral Ⅰ) to "I", where a TR39
  skeleton sends them, and ASCII "I", to "l". With case folding in the key, "I" must end as "i" or "NIKE" and
  "Nike" would get different keys.

It also transliterates what is left of other scripts to ASCII ("华为" → "huawei"), so that a key is always
``[a-z0-9]`` and a name in another script does not collapse to the empty key.

Its docs say that a minor release may change folding output (a re-key event), hence the ``<0.18`` bound in
``pyproject.toml``: upgrading it is a deliberate change that re-computes stored keys.

Rejected:

- ``PyICU`` (``SpoofChecker.getSkeleton``): the reference implementation, but it needs the ICU C library and
  a compiler on every machine; ``pyicu-wheels`` bundles ICU but is an 18 MB third-party repackaging with two
  releases. Its skeleton also maps "m" → "rn" and "I" → "l", which would need undoing.
- ``confusable_homoglyphs`` (3.3.1, January 2024): widely used, but it only answers "is this dangerous?"; its
  data is stored both ways round (the source → prototype direction of ``confusables.txt`` is lost), so a
  skeleton can only be guessed from it, and Greek Ι and Cyrillic І still land on "l".
- ``confusables`` (1.2.0, March 2021, Unicode 13): unmaintained; ``normalize`` returns every combination of
  candidate spellings, which grows exponentially with the name's length.
- ``homoglyphs`` (2.0.4, 2020): unmaintained, and generates variants rather than a canonical form.
- ``ipfy-homoglyph`` (1.0.0): a faithful TR39 skeleton (Unicode 17), but one release, aimed at domain names,
  with the skeleton in a private module; a plain skeleton would also need the "m"/"I" rows undone.
"""

from __future__ import annotations

from functools import lru_cache

import disarm


@lru_cache(maxsize=16384)
def latin_look_alike(char: str) -> str:
    """The case-folded Latin letter(s) that ``char`` imitates, or ``char`` case-folded when it imitates none.

    Folds before *and* after the case fold. Capitals must be folded while they are capitals: Greek "Ν" looks
    like "N", but its lower case "ν" looks like "v". The second fold catches look-alikes that TR39 lists only
    in lower case, such as "Ω", which case-folds to "ω" and then folds to "w".
    """
    return disarm.normalize_confusables(disarm.normalize_confusables(char).casefold())


def transliterate_to_ascii(text: str) -> str:
    """``text`` in ASCII: letters of other scripts spelled out, characters with no spelling dropped."""
    return text if text.isascii() else disarm.transliterate(text, errors="ignore")
