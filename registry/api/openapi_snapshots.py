"""The OpenAPI schemas of a snapshot's comparison (``GET /api/v1/snapshots/<id>/compare``, reports/moves.py)."""

from __future__ import annotations


def snapshot_schemas(value: dict) -> dict:
    """The snapshot comparison: per indicator the records that entered and left, each with its reasons."""
    text = {"type": "string"}
    nullable_text = {"type": ["string", "null"]}
    reason = {
        "type": "object",
        "properties": {
            "action": {
                "type": "string",
                "enum": ["create", "archive", "restore", "redate", "update", "unlogged"],
                "description": "新增、归档、恢复、改期（日期字段变化）、修改（其他字段）；"
                "unlogged：冻结后无变更记录（规则或数据修正）",
            },
            "label": text,
            "at": nullable_text | {"description": "变更时间（UTC）"},
            "user": nullable_text,
            "record": {
                "type": ["object", "null"],
                "description": "变更的记录：记录本身，或与之相关的记录（如企业的资质认定）",
                "properties": {"type": text, "id": {"type": ["integer", "null"]}, "label": nullable_text},
            },
            "fields": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"field": text, "label": text, "before": {}, "after": {}},
                    "required": ["field", "label", "before", "after"],
                },
            },
        },
        "required": ["action", "label", "at", "user", "record", "fields"],
    }
    moved = {
        "type": "object",
        "properties": {
            "type": text,
            "id": {"type": "integer"},
            "label": text,
            "reasons": {"type": "array", "items": {"$ref": "#/components/schemas/SnapshotReason"}},
        },
        "required": ["type", "id", "label", "reasons"],
    }
    moved_list = {"type": "array", "items": {"$ref": "#/components/schemas/SnapshotMovedRecord"}}
    indicator = {
        "type": "object",
        "properties": {
            "code": text,
            "label": text,
            "unit": text,
            "record_type": nullable_text,
            "frozen": value,
            "now": value | {"type": ["integer", "string", "null"], "description": "null：该指标现已不再统计"},
            "differs": {"type": "boolean"},
            "entered": moved_list | {"description": "冻结后新计入的记录（每项最多列出50条）"},
            "left": moved_list | {"description": "冻结后不再计入的记录（每项最多列出50条）"},
            "entered_count": {"type": "integer"},
            "left_count": {"type": "integer"},
            "changed": moved_list | {"description": "金额等合计值有变化、仍计入的记录"},
            "comparable": {
                "type": "boolean",
                "description": "false：冻结时的记录类型与现在不同，无法逐条比较",
            },
        },
        "required": ["code", "frozen", "now", "entered", "left"],
    }
    return {
        "SnapshotReason": reason,
        "SnapshotMovedRecord": moved,
        "SnapshotCompare": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "title": text,
                "start": {"type": "string", "format": "date"},
                "end": {"type": "string", "format": "date"},
                "created_at": text,
                "indicators": {"type": "array", "items": indicator},
            },
            "required": ["id", "title", "start", "end", "created_at", "indicators"],
        },
    }
