"""Error pages in the site's layout, or JSON for clients that ask for it."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from .extensions import db

MESSAGES = {
    400: _l("请求无效"),
    403: _l("您没有权限访问此页面"),
    404: _l("页面不存在"),
    405: _l("不支持此请求方法"),
    409: _l("记录已被他人修改或与现有记录冲突"),
    413: _l("上传的内容过大"),
    500: _l("服务器内部错误"),
}


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def _render(status: int, description: str | None = None):
    title = str(MESSAGES.get(status, _l("出错了")))
    if wants_json():
        return jsonify({"error": {"status": status, "message": title}}), status
    return render_template("errors/error.html", status=status, title=title, description=description), status


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        return _render(error.code or 500)

    @app.errorhandler(500)
    def _server_error(error):
        db.session.rollback()
        return _render(500)
