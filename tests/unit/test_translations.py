"""The built-in translation files: complete, valid, and natural enough to ship."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
BUILT_IN = ["de-DE", "fr-FR", "es-ES", "ja-JP"]


def load(locale: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((TRANSLATIONS / f"{locale}.json").read_text("utf-8"))
    return data


def build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build", ROOT / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_built_in_translations_pass_the_build_validation() -> None:
    found = build_module().load_translations(TRANSLATIONS)
    assert sorted(found) == sorted(["en-US", *BUILT_IN])


@pytest.mark.parametrize("locale", BUILT_IN)
def test_built_in_locale_translates_every_english_key(locale: str) -> None:
    english, own = load("en-US"), load(locale)
    assert sorted(own) == sorted(english)


@pytest.mark.parametrize("locale", BUILT_IN)
def test_built_in_locale_is_not_left_in_english(locale: str) -> None:
    english, own = load("en-US"), load(locale)
    # Words that are the same in both languages ("Total", "Description") are fine, a copy is not.
    same = [key for key in english if own[key] == english[key]]
    assert len(same) <= 4, same


@pytest.mark.parametrize("locale", BUILT_IN)
def test_plural_forms_cover_every_category_of_the_locale(locale: str) -> None:
    categories = {"de-DE": {"one", "other"}, "fr-FR": {"one", "many", "other"}}
    categories |= {"es-ES": {"one", "many", "other"}, "ja-JP": {"other"}}
    for key, value in load(locale).items():
        if isinstance(value, dict):
            assert set(value) == categories[locale], key
