"""A job's page (progress bar, cancel, the result or the reason it failed), its JSON status and its file."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, send_file, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from . import service
from .kinds import KINDS, load
from .queue import queue

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


@bp.before_request
@login_required
def _signed_in():
    load()


def _mine(job_id: int):
    """The signed-in user's job: another user's is not found (404), not merely refused."""
    job = service.owned(job_id, current_user)
    if job is None:
        abort(404)
    return job


@bp.route("/<int:job_id>")
def page(job_id: int):
    """The job: its progress while it runs (refreshed by the page's script, or by the page itself without
    script), then its result, or why it failed."""
    job = _mine(job_id)
    if job.state in service.ACTIVE:
        queue().ensure_consumer()  # this process takes part in running queued jobs
    kind = KINDS.get(job.kind)
    if job.state == "done" and kind is not None and kind.page is not None and service.result_file(job):
        return kind.page(job)
    return render_template("jobs/page.html", job=job, status=service.status(job), cancel=FlaskForm())


@bp.route("/<int:job_id>/status")
def status(job_id: int):
    return jsonify(service.status(_mine(job_id)))


@bp.route("/<int:job_id>/cancel", methods=["POST"])
def cancel(job_id: int):
    job = _mine(job_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    service.cancel(job)
    return redirect(url_for(".page", job_id=job.id))


@bp.route("/<int:job_id>/result")
def result(job_id: int):
    """The job's file (an export, a document, an error workbook) while it is kept."""
    job = _mine(job_id)
    path = service.result_file(job)
    if path is None or not job.result_name:
        abort(404)
    return send_file(path, as_attachment=True, download_name=job.result_name)
