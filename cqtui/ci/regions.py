"""Region names: the known list, the short names older tools write, and what a mistyped one was meant to be.

New regions appear before cqtui knows them, so an unknown but well-formed region
is only worth a warning; a region that is plainly a known one written another way
(`gz`, `guangzhou`, `ap-guangzho`) is an error that says which one was meant.
"""

from __future__ import annotations

# ci-queue-api.md section 5 (which regions offer CI is unverified).
KNOWN_REGIONS = (
    "ap-guangzhou", "ap-shanghai", "ap-nanjing", "ap-beijing", "ap-chengdu", "ap-chongqing", "ap-hongkong",
    "ap-singapore", "ap-bangkok", "ap-tokyo", "ap-seoul", "ap-jakarta", "ap-mumbai", "na-siliconvalley",
    "na-ashburn", "na-toronto", "eu-frankfurt",
)  # fmt: skip

# coscmd's short names and the old COS v4 names, as coscmd itself maps them.
ALIASES = {
    "bj": "ap-beijing",
    "tj": "ap-beijing-1",
    "cn-north": "ap-beijing-1",
    "tianjin": "ap-beijing-1",
    "gz": "ap-guangzhou",
    "cn-south": "ap-guangzhou",
    "sh": "ap-shanghai",
    "cn-east": "ap-shanghai",
    "cd": "ap-chengdu",
    "cn-southwest": "ap-chengdu",
    "cq": "ap-chongqing",
    "hk": "ap-hongkong",
    "sgp": "ap-singapore",
    "spg": "ap-singapore",
    "ca": "na-toronto",
    "ger": "eu-frankfurt",
}


def _one_edit_apart(a: str, b: str) -> bool:
    """True when one letter added, dropped or changed turns `a` into `b`."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    for index, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return a[index + (len(a) == len(b)) :] == b[index + 1 :]
    return True  # b is a with one letter more at the end


def meant_region(region: str) -> str | None:
    """The known region `region` stands for when it is not one itself: an alias, a city, a typo."""
    if region in KNOWN_REGIONS:
        return None
    text = region.strip().lower().removeprefix("cos.")
    if text in ALIASES:
        return ALIASES[text]
    for known in KNOWN_REGIONS:
        if text in (known, known.split("-", 1)[1]) or _one_edit_apart(text, known):
            return known
    return None


def region_mistake(region: str) -> str | None:
    """'did you mean ap-guangzhou?' when `region` plainly is another way of writing a known region."""
    meant = meant_region(region)
    return f"unknown region {region!r}: did you mean {meant}?" if meant else None


def region_warning(region: str) -> str | None:
    """A note for a well-formed region cqtui does not know (it may be new): used anyway."""
    if region in KNOWN_REGIONS or meant_region(region):
        return None
    return f"region {region!r} is not one cqtui knows ({', '.join(KNOWN_REGIONS[:3])}, …); using it anyway"
