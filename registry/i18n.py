"""Locale selection: Simplified Chinese unless the user chose otherwise."""

from __future__ import annotations

from flask import has_request_context, session

LANGUAGES = {"zh_Hans_CN": "简体中文", "en": "English"}


def select_locale() -> str:
    if not has_request_context():  # CLI commands speak the default language
        return "zh_Hans_CN"
    chosen = session.get("locale")
    return chosen if chosen in LANGUAGES else "zh_Hans_CN"
