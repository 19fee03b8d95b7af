"""The built-in translation files: complete, valid, and natural enough to ship."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from tools.translation_rules import PLACEHOLDER, intl_info

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
# The 46 locales of Stripe's hosted customer portal, and two written right to left.
STRIPE_PORTAL = (
    "bg-BG cs-CZ da-DK de-DE el-GR en-US en-GB en-AU en-CA en-IE en-IN en-NZ en-SG es-ES "
    "es-419 et-EE fi-FI fil-PH fr-FR fr-CA hr-HR hu-HU id-ID it-IT ja-JP ko-KR lt-LT lv-LV "
    "ms-MY mt-MT nb-NO nl-NL pl-PL pt-PT pt-BR ro-RO ru-RU sk-SK sl-SI sv-SE th-TH tr-TR vi-VN "
    "zh-CN zh-HK zh-TW"
).split()
BUILT_IN = sorted({*STRIPE_PORTAL, "ar-SA", "he-IL"} - {"en-US"})
ENGLISH = [locale for locale in BUILT_IN if locale.startswith("en-")]


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
    assert len(STRIPE_PORTAL) == 46 and len(found) == 48


@pytest.mark.parametrize("locale", BUILT_IN)
def test_built_in_locale_translates_every_english_key(locale: str) -> None:
    english, own = load("en-US"), load(locale)
    assert sorted(own) == sorted(english)


@pytest.mark.parametrize("locale", BUILT_IN)
def test_built_in_locale_is_not_left_in_english(locale: str) -> None:
    english, own = load("en-US"), load(locale)
    same = [key for key in english if own[key] == english[key]]
    if locale in ENGLISH:  # a variety of English: written its own way somewhere
        assert len(same) < len(english)
    else:  # words that are the same in both languages ("Total", "CSV") are fine, a copy is not
        assert len(same) <= 6, same


@pytest.mark.parametrize("locale", BUILT_IN)
def test_plural_forms_are_exactly_the_categories_of_the_locale(locale: str) -> None:
    [categories] = [set(i["plural"]) for i in intl_info([locale]).values() if i]  # type: ignore[call-overload]
    plural = {key: value for key, value in load(locale).items() if isinstance(value, dict)}
    assert sorted(plural) == sorted(k for k, v in load("en-US").items() if isinstance(v, dict))
    for key, value in plural.items():
        assert set(value) == categories, key


@pytest.mark.parametrize("locale", BUILT_IN)
def test_every_string_has_the_placeholders_of_english(locale: str) -> None:
    english, own = load("en-US"), load(locale)
    for key, value in own.items():
        source = english[key]
        wanted = sorted(
            PLACEHOLDER.findall(str(source["other"] if isinstance(source, dict) else source))
        )
        forms = value.items() if isinstance(value, dict) else [("other", value)]
        for form, text in forms:
            found = sorted(PLACEHOLDER.findall(str(text)))
            # A plural form may name the number in words ("two invoices"), never another value.
            assert found == wanted or (form != "other" and found == []), (key, form)


@pytest.mark.parametrize("locale", BUILT_IN)
def test_statuses_and_actions_have_words_of_their_own(locale: str) -> None:
    own = load(locale)
    statuses = [own[f"status.{s}"] for s in ("paid", "open", "past_due", "void", "uncollectible")]
    assert len(set(statuses)) == 5, statuses
    assert all(text == text.strip() and text for text in own.values() if isinstance(text, str))
