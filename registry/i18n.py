"""Locale selection: Simplified Chinese unless the user chose otherwise."""

from __future__ import annotations

from flask import session

LANGUAGES = {"zh_Hans_CN": "简体中文", "en": "English"}


def select_locale() -> str:
    chosen = session.get("locale")
    return chosen if chosen in LANGUAGES else "zh_Hans_CN"
