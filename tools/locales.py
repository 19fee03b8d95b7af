"""The built-in locales as the embed gets them, made by build.py.

Each locale other than English is three files, each well within the budget of one:
`i18n/<locale>.<hash8>.json`, the strings the list's first paint needs, then those of the
on-demand chunk, `i18n/<locale>.invoice.<hash8>.json` (an invoice, paying, the plan, the jump)
and `i18n/<locale>.account.<hash8>.json` (the customer's account and tools), fetched with that
chunk; the first file names the other two with their integrity (`$parts`). English travels
inside the two scripts. One index, `i18n/index.<hash8>.json`, names each locale's first file
with its integrity and says which locale serves which language tag; the first script carries
only the index's name and integrity, so its weight does not grow with the number of locales.
The embed fetches the index only for a visitor who is not reading US English. Integrity here is
SHA-256 (as strong as SRI needs, and a third shorter than the scripts' SHA-384, which counts in
an index of 47 entries that cannot be compressed).
"""

from __future__ import annotations

from collections.abc import Callable

Strings = dict[str, object]
# The keys of the account's part: the summary, receipts, credit notes, filters, the exports and
# billing details (embed/account.js, tools.js and what it opens).
# In a locale's first file, its other files: [[name, integrity], ...].
PARTS_KEY = "$parts"
ACCOUNT_PREFIXES = ("account.", "receipt.", "credit_notes.", "filters.", "export.", "billing.")

# The file a language's bare tag gets ("pt" is Brazilian Portuguese, as in CLDR's likely
# subtags); a language with one built-in locale gets that one.
LANGUAGE_DEFAULTS = {"en": "en-US", "es": "es-ES", "fr": "fr-FR", "pt": "pt-BR", "zh": "zh-CN"}
# Spanish of the Americas (CLDR's parent es-419), and English as written in the United States
# and its territories; any other region's English is British English (CLDR's en-001).
LATIN_AMERICA = "419 AR BO BR BZ CL CO CR CU DO EC GT HN MX NI PA PE PR PY SV US UY VE".split()
US_ENGLISH = "US AS GU MP PR UM VI".split()
# What browsers and sites send besides the built-in tags and bare languages, lower case, and
# the locale that serves it. `<language>-*` is "that language with any region not named".
ALIASES: dict[str, str] = {
    "en-*": "en-GB",
    **{f"en-{region.lower()}": "en-US" for region in US_ENGLISH},
    **{f"es-{region.lower()}": "es-419" for region in LATIN_AMERICA},
    "pt-*": "pt-PT",
    "zh-hans": "zh-CN",
    "zh-hant": "zh-TW",
    "zh-mo": "zh-HK",
    "no": "nb-NO",
    "nn": "nb-NO",
    "tl": "fil-PH",
    "iw": "he-IL",
    "in": "id-ID",
}


def match_table(locales: list[str]) -> dict[str, str]:
    """Lower-case tag -> built-in locale: each locale itself, each language, the aliases whose
    locale is built in. The embed tries a wanted tag, then the tag without its script, then
    `<language>-*`, then the language (embed/i18n.js, `pick`)."""
    table = {locale.lower(): locale for locale in locales}
    for locale in sorted(locales):
        language = locale.split("-")[0].lower()
        default = LANGUAGE_DEFAULTS.get(language)
        if language not in table or default == locale:
            table[language] = locale
    table |= {tag: locale for tag, locale in ALIASES.items() if locale in locales}
    return dict(sorted(table.items()))


def locale_files(
    strings: dict[str, Strings],
    source: str,
    first: set[str],
    encode: Callable[[object], bytes],
    name_of: Callable[[str, bytes], str],
    integrity: Callable[[bytes], str],
) -> tuple[dict[str, bytes], dict[str, str], bytes]:
    """The files of every locale but `source`, each file's locale, and the index's bytes."""
    files: dict[str, bytes] = {}
    owners: dict[str, str] = {}
    index: dict[str, list[str]] = {}

    def part(key: str) -> str:
        return (
            "" if key in first else ".account" if key.startswith(ACCOUNT_PREFIXES) else ".invoice"
        )

    for locale, data in sorted(strings.items()):
        if locale == source:
            continue
        pointers = []
        for suffix in (".invoice", ".account"):
            body = encode({key: value for key, value in data.items() if part(key) == suffix})
            name = name_of(f"i18n/{locale}{suffix}", body)
            files[name], owners[name] = body, locale
            pointers.append([name, integrity(body)])
        # The first file names the others: the index stays one entry per locale.
        body = encode({**{k: v for k, v in data.items() if part(k) == ""}, PARTS_KEY: pointers})
        name = name_of(f"i18n/{locale}", body)
        files[name], owners[name] = body, locale
        index[locale] = [name, integrity(body)]
    body = encode({"files": index, "match": match_table(sorted(strings))})
    return files, owners, body
