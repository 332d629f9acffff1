"""API endpoints: collections, items, the stage action and the OpenAPI document."""

from __future__ import annotations

import json
import re

from flask import Blueprint, abort, after_this_request, current_app, g, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from .. import list_engine, permissions
from ..auth import token_use
from ..auth.token_use import TokenSignIn, token_sign_in
from ..enterprises.services import PossibleDuplicate
from ..exports import csv_response
from ..extensions import csrf, db
from ..listing.services import add_stage
from ..records import fields as f
from ..records import writer
from ..records.errors import Conflict, NotFound, PermissionDenied, StaleVersion, ValidationFailed
from .collections import BY_NAME, COLLECTIONS

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

MAX_BODY = 1024 * 1024
MAX_PAGE = 100


def error(status: int, message: str, **extra):
    return jsonify({"error": {"status": status, "message": message}} | extra), status


@bp.before_request
def _authenticate():
    request.max_content_length = MAX_BODY
    if request.endpoint == "api.openapi":
        return None  # the document describes the API; it holds no data
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _sep, token = header.partition(" ")
        signed_in = token_sign_in(token.strip()) if scheme.lower() == "bearer" else None
        if signed_in is None:
            return error(401, _("API令牌无效或已撤销"))
        g.api_user = signed_in.user
        _note_token_use(signed_in)
        return _contributor_gate()
    if not current_user.is_authenticated:
        return error(401, _("需要登录或提供API令牌（Authorization: Bearer …）"))
    g.api_user = current_user._get_current_object()
    if (refused := _contributor_gate()) is not None:
        return refused
    if request.method not in ("GET", "HEAD", "OPTIONS") and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()  # a browser session must prove the request came from our own pages
    return None


def _contributor_gate():
    """A contributor's token or session reaches the report endpoints only (permissions.reads_registry)."""
    if not permissions.reads_registry(g.api_user) and not permissions.contributor_may_open(request.endpoint):
        return error(403, _("没有权限执行此操作"))
    return None


def _note_token_use(signed_in: TokenSignIn) -> None:
    """Record the token's use after the response, at most once a minute (auth/token_use.py)."""
    now = token_use.clock()
    if token_use.due(signed_in.token_id, signed_in.last_used_at, now):
        engine = db.engine
        after_this_request(lambda response: token_use.record_after(response, engine, signed_in.token_id, now))


def user():
    return g.api_user


@bp.errorhandler(ValidationFailed)
def _invalid(exc: ValidationFailed):
    return error(422, _("输入有误"), errors=exc.errors)


@bp.errorhandler(StaleVersion)
def _stale(exc: StaleVersion):
    return error(409, _("记录已被他人修改，请按当前版本重新提交"), current_version=exc.current.version)


@bp.errorhandler(Conflict)
def _conflict(exc: Conflict):
    extra = {"errors": {exc.field or "_": [exc.message]}}
    if isinstance(exc, PossibleDuplicate):
        extra["matches"] = [{"id": m.id, "name": m.name, "uscc": m.uscc} for m in exc.matches]
    return error(409, exc.message, **extra)


@bp.errorhandler(PermissionDenied)
def _forbidden(exc):
    return error(403, _("没有权限执行此操作"))


@bp.errorhandler(NotFound)
def _missing(exc):
    return error(404, _("记录不存在"))


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(exc):
    return error(413, _("请求体过大（上限1MB）"))


@bp.errorhandler(HTTPException)
def _http(exc: HTTPException):
    return error(exc.code or 500, exc.description if exc.code in (400, 415) else exc.name)


MAX_DEPTH = 32  # a record is an object of values and lists: two levels deep
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")


def _too_deep(raw: bytes) -> bool:
    """Whether brackets outside strings nest past MAX_DEPTH (checked before parsing: Python's parser
    recurses once a level and gives up with a RecursionError)."""
    depth = 0
    for bracket in _JSON_BRACKET.findall(_JSON_STRING.sub(b"", raw)):
        depth += 1 if bracket in (b"[", b"{") else -1
        if depth > MAX_DEPTH:
            return True
    return False


def _not_a_number(constant: str):
    raise ValueError(constant)


def body() -> dict:
    """The request's JSON object; 415 for another content type, 400 for malformed JSON, JSON nested past
    MAX_DEPTH, NaN or Infinity, text with a lone surrogate ("\ud800", which no database stores) or a
    non-object."""
    if not request.is_json:
        abort(415, description=_("请求体应为JSON（Content-Type: application/json）"))
    raw = request.get_data(cache=True)
    if _too_deep(raw):
        abort(400, description=_("请求体嵌套过深"))
    try:
        data = json.loads(raw, parse_constant=_not_a_number)
    except (ValueError, RecursionError):
        abort(400, description=_("请求体不是有效的JSON"))
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        abort(400, description=_("请求体含有无效的Unicode字符"))
    if not isinstance(data, dict):
        abort(400, description=_("请求体应为JSON对象"))
    return data


def collection(name: str):
    found = BY_NAME.get(name)
    if found is None:
        raise NotFound()
    return found


# ---- lists ----------------------------------------------------------------------------------------
def field_filters(coll, args) -> dict:
    """``?field=value`` for any plain schema field the list's own filters don't already name."""
    own = set(coll.spec.filter_by_name())
    chosen = {}
    for fld in coll.record_type.schema.fields:
        if fld.name in own or fld.name not in args or fld.many:
            continue
        try:
            with permissions.acting_as(user()):  # a firm outside a manager's scope is as unknown as none
                value = fld.parse(args[fld.name])
        except Exception:
            raise ValidationFailed.one(fld.name, _("%(name)s：筛选值无效", name=fld.name)) from None
        chosen[fld.name] = value
    return chosen


@bp.get("/<name>")
def list_items(name: str):
    coll = collection(name)
    args = list_engine.parse_args(coll.spec, request.args)
    if args.errors.pop("after", None):
        return error(400, _("翻页位置无效"))
    if args.errors:
        raise ValidationFailed({k: [v] for k, v in args.errors.items()})
    try:
        args.size = max(1, min(int(request.args.get("size", 50)), MAX_PAGE))
    except ValueError:
        raise ValidationFailed.one("size", _("size：应为1–100的整数")) from None
    extra = field_filters(coll, request.args)
    if request.args.get("format") == "csv":
        rows = list_engine.all_rows(_with_fields(coll, extra), user(), args)
        columns = [("id", lambda r: r.id), ("version", lambda r: r.version)] + [
            (fld.name, (lambda r, fld=fld: _csv(fld, r))) for fld in coll.record_type.schema.fields
        ]
        return csv_response(f"{coll.name}.csv", columns, rows)
    spec = coll.for_items(_with_fields(coll, extra))
    page = list_engine.run(
        spec, user(), args, with_facets=False, with_count=False, load=coll.record_type.api_rows
    )
    next_url = None
    if page.next_cursor:
        params = request.args.to_dict() | {"after": page.next_cursor}
        next_url = url_for(".list_items", name=name, _external=True, **params)
    return jsonify({"items": [coll.item(r) for r in page.items], "next": next_url})


def _with_fields(coll, extra: dict):
    if not extra:
        return coll.spec
    from dataclasses import replace

    model = coll.spec.model
    base = coll.spec.base

    def narrowed(u):
        query = base(u)
        for key, value in extra.items():
            query = query.where(getattr(model, key) == value)
        return query

    return replace(coll.spec, base=narrowed)


def _csv(fld, record):
    value = f.to_json_value(fld, getattr(record, fld.name))
    return ";".join(str(v) for v in value) if isinstance(value, list) else value


# ---- items ----------------------------------------------------------------------------------------
def confirmed_duplicate() -> bool:
    """``?confirm_duplicate=1``: the caller checked the possible duplicates of a 409 and saves anyway."""
    return request.args.get("confirm_duplicate") in ("1", "true")


@bp.post("/<name>")
def create_item(name: str):
    coll = collection(name)
    if not coll.record_type.allowed(user(), "create"):
        raise PermissionDenied()
    record = writer.create(coll.record_type, user(), body(), strict=True, confirmed=confirmed_duplicate())
    return jsonify(coll.item(record)), 201


@bp.get("/<name>/<int:record_id>")
def get_item(name: str, record_id: int):
    coll = collection(name)
    return jsonify(coll.item(writer.get_visible(coll.record_type, user(), record_id)))


@bp.patch("/<name>/<int:record_id>")
def update_item(name: str, record_id: int):
    coll = collection(name)
    record = writer.get_visible(coll.record_type, user(), record_id)
    if not coll.record_type.allowed(user(), "update", record):
        raise PermissionDenied()  # before any word about the body: who may not write learns nothing more
    data = body()
    if "version" not in data:
        raise ValidationFailed.one("version", _("version：修改时必须提供记录的当前版本号"))
    version = data.pop("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValidationFailed.one("version", _("version：应为整数"))
    record = writer.update(
        coll.record_type,
        user(),
        record_id,
        version,
        data,
        partial=True,
        strict=True,
        confirmed=confirmed_duplicate(),
    )
    return jsonify(coll.item(record))


@bp.delete("/<name>/<int:record_id>")
def delete_item(name: str, record_id: int):
    """Archive (records are never deleted). ``?version=`` guards against archiving a changed record."""
    coll = collection(name)
    record = writer.get_visible(coll.record_type, user(), record_id)
    if not coll.record_type.allowed(user(), "archive", record):
        raise PermissionDenied()
    version = request.args.get("version") or record.version
    reason = request.args.get("reason")
    archived = writer.archive(coll.record_type, user(), record_id, version, reason)
    return jsonify(coll.item(archived))


@bp.post("/listing-candidates/<int:record_id>/stages")
def add_candidate_stage(record_id: int):
    data = body()
    unknown = sorted(set(data) - {"stage", "changed_on", "version"})
    if unknown:
        raise ValidationFailed({key: [_("未知字段")] for key in unknown})
    coll = BY_NAME["listing-candidates"]
    version = data.get("version")
    if version is None:
        version = writer.get_visible(coll.record_type, user(), record_id).version
    add_stage(user(), record_id, version, data.get("stage"), data.get("changed_on"))
    return jsonify(coll.item(writer.get_visible(coll.record_type, user(), record_id))), 201


@bp.get("/openapi.json")
def openapi():
    from .openapi import document

    return jsonify(document(current_app, COLLECTIONS))


# The summary and snapshot endpoints, and the report workspace's (reports, sections, figures, document),
# join this blueprint.
from ..reports.workspace import api as _report_api  # noqa: E402, F401
from . import summary as _summary  # noqa: E402, F401
