"""The report API in the OpenAPI document (registry/api/openapi.py adds these paths and schemas)."""

from __future__ import annotations

from ...api.openapi import input_schema
from ...records.fields import Schema
from .services import FIGURE_SCHEMA, REPORT_SCHEMA, SECTION_SCHEMA

STAMP = {"type": ["string", "null"]}
_BASE = {
    "id": {"type": "integer"},
    "version": {"type": "integer"},
    "created_at": {"type": "string"},
    "updated_at": {"type": "string"},
    "archived_at": STAMP,
    "archived_reason": {"type": ["string", "null"]},
}
SECTION_SUMMARY = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "heading": {"type": "string"},
        "state": {"type": "string", "enum": ["open", "editing", "submitted", "reviewed"]},
        "department": {"type": ["string", "null"]},
        "version": {"type": "integer"},
        "changed_by": {"type": ["string", "null"]},
        "changed_at": STAMP,
    },
    "required": ["code", "heading", "state", "version"],
}


def _output(schema: Schema) -> dict:
    return {fld.name: fld.openapi_schema(output=True) for fld in schema.fields}


def _input(schema: Schema, *, patch: bool = False, extra: dict | None = None) -> dict:
    """A request body as every collection's (api/openapi.input_schema), with ``extra`` properties."""
    out = input_schema(schema, patch=patch)
    out["properties"] |= extra or {}
    return out


def schemas() -> dict:
    report = {
        "type": "object",
        "properties": _BASE
        | _output(REPORT_SCHEMA)
        | {
            "status": {"type": "string", "enum": ["draft", "final"]},
            "carried_from_id": {"type": ["integer", "null"]},
            "snapshot_id": {"type": ["integer", "null"]},
            "finalised_at": STAMP,
            "sections": {"type": "array", "items": {"$ref": "#/components/schemas/ReportSectionSummary"}},
        },
        "required": ["id", "version", "status", "start", "end"],
    }
    section = {
        "type": "object",
        "properties": SECTION_SUMMARY["properties"]
        | {
            "report_id": {"type": "integer"},
            "text": {"type": ["string", "null"]},
            "rendered": {
                "type": "array",
                "items": {"type": "string"},
                "description": "正文段落，占位符已填入",
            },
            "errors": {"type": "array", "items": {"type": "string"}, "description": "无法填入的占位符"},
        },
        "required": [*SECTION_SUMMARY["required"], "report_id", "text", "rendered", "errors"],
    }
    figure = {
        "type": "object",
        "properties": _BASE | {"report_id": {"type": "integer"}} | _output(FIGURE_SCHEMA),
        "required": ["id", "version", "report_id", "name"],
    }
    status = {"status": {"type": "string", "enum": ["draft", "final"], "description": "final：定稿"}}
    return {
        "Report": report,
        "ReportInput": _input(REPORT_SCHEMA),
        "ReportPatch": _input(REPORT_SCHEMA, patch=True, extra=status),
        "ReportSectionSummary": SECTION_SUMMARY,
        "ReportSection": section,
        "ReportSectionPatch": _input(SECTION_SCHEMA, patch=True),
        "ReportFigure": figure,
        "ReportFigureInput": _input(
            FIGURE_SCHEMA, extra={"version": {"type": "integer", "description": "报告的版本号（可省略）"}}
        ),
        "ReportFigurePatch": _input(FIGURE_SCHEMA, patch=True),
    }


def paths(json_body, errors) -> dict:
    """The report endpoints; ``json_body`` and ``errors`` are the document's helpers."""

    def ok(ref: str, description: str) -> dict:
        return {"description": description, "content": {"application/json": {"schema": {"$ref": ref}}}}

    def items(ref: str) -> dict:
        return {
            "description": "列表",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "items": {"type": "array", "items": {"$ref": ref}},
                            "next": {"type": ["string", "null"]},
                        },
                        "required": ["items", "next"],
                    }
                }
            },
        }

    report_id = {"name": "report_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    code = {
        "name": "code",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "description": "章节编号，如 四.1（URL编码）",
    }
    figure_id = {"name": "figure_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    writes = ("400", "401", "403", "404", "409", "413", "415", "422")
    return {
        "/api/v1/reports": {
            "get": {
                "summary": "落实情况报告列表",
                "operationId": "list_reports",
                "responses": {"200": items("#/components/schemas/Report")} | errors("401", "403"),
            },
            "post": {
                "summary": "新建报告（沿用同一提纲最近一期报告的正文和填报数据项）",
                "operationId": "create_report",
                "requestBody": json_body("#/components/schemas/ReportInput"),
                "responses": {"201": ok("#/components/schemas/Report", "已创建")}
                | errors("400", "401", "403", "409", "413", "415", "422"),
            },
        },
        "/api/v1/reports/{report_id}": {
            "parameters": [report_id],
            "get": {
                "summary": "报告及其章节状态",
                "operationId": "get_report",
                "responses": {"200": ok("#/components/schemas/Report", "报告")} | errors("401", "404"),
            },
            "patch": {
                "summary": "修改报告（须带当前 version）；status 为 final 时定稿",
                "operationId": "update_report",
                "requestBody": json_body("#/components/schemas/ReportPatch"),
                "responses": {"200": ok("#/components/schemas/Report", "已修改")} | errors(*writes),
            },
        },
        "/api/v1/reports/{report_id}/document.docx": {
            "parameters": [report_id],
            "get": {
                "summary": "报告的Word文档（定稿的报告为定稿时保存的文档）",
                "operationId": "report_document",
                "responses": {
                    "200": {
                        "description": "DOCX",
                        "content": {
                            "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
                                "schema": {"type": "string", "format": "binary"}
                            }
                        },
                    }
                }
                | errors("401", "404"),
            },
        },
        "/api/v1/reports/{report_id}/sections/{code}": {
            "parameters": [report_id, code],
            "get": {
                "summary": "报告的一节：正文、填入占位符后的段落、错误",
                "operationId": "get_report_section",
                "responses": {"200": ok("#/components/schemas/ReportSection", "章节")} | errors("401", "404"),
            },
            "patch": {
                "summary": "保存一节的正文、状态或承办部门（须带当前 version）",
                "operationId": "update_report_section",
                "requestBody": json_body("#/components/schemas/ReportSectionPatch"),
                "responses": {"200": ok("#/components/schemas/ReportSection", "已保存")} | errors(*writes),
            },
        },
        "/api/v1/reports/{report_id}/figures": {
            "parameters": [report_id],
            "get": {
                "summary": "报告的填报数据",
                "operationId": "list_report_figures",
                "responses": {"200": items("#/components/schemas/ReportFigure")} | errors("401", "404"),
            },
            "post": {
                "summary": "添加填报数据项",
                "operationId": "create_report_figure",
                "requestBody": json_body("#/components/schemas/ReportFigureInput"),
                "responses": {"201": ok("#/components/schemas/ReportFigure", "已添加")} | errors(*writes),
            },
        },
        "/api/v1/reports/{report_id}/figures/{figure_id}": {
            "parameters": [report_id, figure_id],
            "patch": {
                "summary": "填写或修改填报数据（须带当前 version）",
                "operationId": "update_report_figure",
                "requestBody": json_body("#/components/schemas/ReportFigurePatch"),
                "responses": {"200": ok("#/components/schemas/ReportFigure", "已修改")} | errors(*writes),
            },
            "delete": {
                "summary": "删除（归档）填报数据项",
                "operationId": "archive_report_figure",
                "parameters": [
                    {"name": "version", "in": "query", "schema": {"type": "integer"}},
                    {"name": "reason", "in": "query", "schema": {"type": "string", "maxLength": 200}},
                ],
                "responses": {"200": ok("#/components/schemas/ReportFigure", "已归档")}
                | errors("401", "403", "404", "409", "422"),
            },
        },
    }
