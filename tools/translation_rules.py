"""The rules every translation file meets, checked by build.py before it bundles anything.

`load_translations(directory)` reads translations/<locale>.json (or a site's own folder) and
raises `TranslationError` naming the file, and the key when there is one: valid JSON, an
object, a canonical BCP 47 file name, strings or plural forms that exist in the locale (from
Node's Intl, full ICU), only keys English has, and English's placeholders.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

SOURCE = "en-US"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


class TranslationError(Exception):
    """A translation file breaks a rule; the message names the file first."""


def shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def intl_info(tags: list[str]) -> dict[str, dict[str, object] | None]:
    """Canonical tag and plural categories of each locale, from Node's Intl (full ICU)."""
    script = (
        "const o={};for(const t of process.argv.slice(1)){try{o[t]={tag:"
        "Intl.getCanonicalLocales(t)[0],plural:new Intl.PluralRules(t)"
        ".resolvedOptions().pluralCategories}}catch{o[t]=null}}console.log(JSON.stringify(o))"
    )
    node = shutil.which("node") or "node"
    out = subprocess.run(  # noqa: S603 (a fixed program; the tags are file names, not a shell)
        [node, "-e", script, *tags], check=True, capture_output=True, text=True
    )
    result: dict[str, dict[str, object] | None] = json.loads(out.stdout)
    return result


def placeholders(value: object) -> set[str]:
    forms = value.values() if isinstance(value, dict) else [value]
    return {name for text in forms if isinstance(text, str) for name in PLACEHOLDER.findall(text)}


def check_value(key: str, value: object, categories: list[str]) -> str | None:
    if isinstance(value, str):
        return None
    if not isinstance(value, dict) or not value:
        return "must be a string, or an object of plural forms"
    for form, text in value.items():
        if not isinstance(text, str):
            return f'plural form "{form}" must be a string'
    unknown = sorted(set(value) - set(categories))
    if unknown:
        return f"plural categories {unknown} do not exist in this locale (it has {categories})"
    if "other" not in value:
        return 'plural forms need "other"'
    return None


def check_placeholders(value: object, english: object) -> str | None:
    if isinstance(value, dict) != isinstance(english, dict):
        return (
            "English has plural forms here"
            if isinstance(english, dict)
            else "English is a plain string"
        )
    expected = placeholders(english)
    # A plural form may leave out {count} ("no invoices"); "other" and plain strings may not.
    forms = value.items() if isinstance(value, dict) else [("other", value)]
    for form, text in forms:
        found = placeholders(text)
        if found - expected or (form == "other" and found != expected):
            return f"placeholders {sorted(found)} differ from English {sorted(expected)}"
    return None


def load_translations(directory: Path) -> dict[str, dict[str, object]]:
    """Every <locale>.json of `directory`, checked against en-US.json."""
    found: dict[str, dict[str, object]] = {}
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise TranslationError(f"{shown(path)}: not valid JSON ({e})") from None
        if not isinstance(data, dict):
            raise TranslationError(f"{shown(path)}: must be a JSON object of keys and strings")
        found[path.stem] = data
    if SOURCE not in found:
        raise TranslationError(
            f"{shown(directory / 'en-US.json')}: missing; it is the source of every key"
        )
    intl = intl_info(sorted(found))
    english = found[SOURCE]
    for locale, data in found.items():
        name = shown(directory / f"{locale}.json")
        info = intl.get(locale)
        if not info or info["tag"] != locale:
            expected = f" (canonical: {info['tag']}.json)" if info else ""
            raise TranslationError(f"{name}: file name is not a canonical BCP 47 tag{expected}")
        categories = list(info["plural"])  # type: ignore[call-overload]
        for key, value in data.items():
            problem = check_value(key, value, categories)
            if problem is None and locale != SOURCE:
                if key not in english:
                    problem = "unknown key (not in en-US.json)"
                else:
                    problem = check_placeholders(value, english[key])
            if problem:
                raise TranslationError(f'{name}: key "{key}": {problem}')
    return found
