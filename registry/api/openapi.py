"""The OpenAPI 3.1 document, generated from the same schemas and list definitions the endpoints use."""

from __future__ import annotations

from ..list_engine import ListSpec
from ..records import dated
from ..records import fields as f
from .openapi_snapshots import snapshot_schemas

ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {"status": {"type": "integer"}, "message": {"type": "string"}},
            "required": ["status", "message"],
        },
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "required": ["error"],
}

_ERRORS = {
    "400": "请求无效（JSON格式错误、翻页位置无效等）",
    "401": "未登录或令牌无效",
    "403": "没有权限",
    "404": "记录不存在",
    "409": "版本冲突或与现有记录重复",
    "413": "请求体过大",
    "415": "请求体不是JSON",
    "422": "输入有误：errors 按字段列出原因",
}

# A 409 for a possible duplicate lists the matches; the same request with this parameter saves anyway.
CONFIRM_DUPLICATE = {
    "name": "confirm_duplicate",
    "in": "query",
    "description": "1：已核对 409 列出的可能重复记录，确认不是同一条，仍然保存",
    "schema": {"type": "string", "enum": ["1", "true"]},
}


# A record's dated fields' histories (records/dated.history) in its API item.
HISTORY_SCHEMA = {
    "type": "object",
    "description": "每个随时间变化的字段的历史：值及其生效区间（to 为下一个值生效之日，null 表示至今）",
    "additionalProperties": {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "value": {"type": ["string", "integer"]},
                "from": {"type": "string"},
                "to": {"type": ["string", "null"]},
            },
            "required": ["value", "from", "to"],
        },
    },
}


def _json_body(ref: str | None = None, *, schema: dict | None = None) -> dict:
    """A required JSON request body: a schema of the components (``ref``) or one given inline."""
    return {"required": True, "content": {"application/json": {"schema": schema or {"$ref": ref}}}}


def _errors(*codes: str) -> dict:
    return {
        code: {
            "description": _ERRORS[code],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for code in codes
    }


def field_schema(field: f.Field, *, output: bool = False) -> dict:
    return field.openapi_schema(output=output)


def input_schema(schema: f.Schema, *, patch: bool = False, options: list[f.Field] = ()) -> dict:
    """A body of POST (or PATCH): the schema's fields, and the write's ``options`` (a dated field's
    ``effective_on`` and ``correct_history``)."""
    properties = {fld.name: field_schema(fld) for fld in [*schema.fields, *options]}
    out = {"type": "object", "properties": properties, "additionalProperties": False}
    if patch:
        properties["version"] = {
            "type": "integer",
            "description": "the version you read (optimistic locking)",
        }
        out["required"] = ["version"]
    else:
        required = [fld.name for fld in schema.fields if fld.required]
        if required:
            out["required"] = required
    return out


def output_schema(coll) -> dict:
    properties = {
        "id": {"type": "integer"},
        "version": {"type": "integer"},
        "created_at": {"type": "string"},
        "updated_at": {"type": "string"},
        "archived_at": {"type": ["string", "null"]},
        "archived_reason": {"type": ["string", "null"]},
    }
    properties |= {fld.name: field_schema(fld, output=True) for fld in coll.record_type.schema.fields}
    properties |= coll.extra_schema
    if dated.declaration(coll.record_type):
        properties["history"] = HISTORY_SCHEMA
    return {"type": "object", "properties": properties, "required": ["id", "version"]}


def list_parameters(spec: ListSpec, schema: f.Schema) -> list[dict]:
    params = [
        {
            "name": "q",
            "in": "query",
            "schema": {"type": "string", "maxLength": 100},
            "description": "名称或代码搜索",
        },
        {"name": "sort", "in": "query", "schema": {"type": "string", "enum": _sorts(spec)}},
        {"name": "size", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
        {
            "name": "after",
            "in": "query",
            "schema": {"type": "string"},
            "description": "上一页返回的 next 中的游标",
        },
        {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "csv"]}},
    ]
    for flt in spec.filters:
        param_schema = {"type": "string"}
        if flt.input_type == "date":
            param_schema = {"type": "string", "format": "date"}
        params.append(
            {"name": flt.name, "in": "query", "schema": param_schema, "description": str(flt.label)}
        )
    taken = {p["name"] for p in params}
    for fld in schema.fields:
        if fld.name in taken or fld.many:
            continue
        params.append(
            {
                "name": fld.name,
                "in": "query",
                "schema": {"type": "string"},
                "description": f"{fld.label}（等于）",
            }
        )
    return params


def _sorts(spec: ListSpec) -> list[str]:
    names = list(spec.sort_by_name())
    return names + [f"-{n}" for n in names]


def document(app, collections) -> dict:
    paths: dict = {}
    schemas: dict = {"Error": ERROR}
    for coll in collections:
        title = coll.name.replace("-", "_").title().replace("_", "")
        options = dated.options(coll.record_type)
        schemas[f"{title}Input"] = input_schema(coll.record_type.schema, options=options)
        schemas[f"{title}Patch"] = input_schema(coll.record_type.schema, patch=True, options=options)
        schemas[title] = output_schema(coll)
        item_ref = {"$ref": f"#/components/schemas/{title}"}
        ok_item = {"content": {"application/json": {"schema": item_ref}}}
        paths[f"/api/v1/{coll.name}"] = {
            "get": {
                "summary": f"{coll.title}列表",
                "operationId": f"list_{title}",
                "parameters": list_parameters(coll.spec, coll.record_type.schema),
                "responses": {
                    "200": {
                        "description": "一页记录，next 为下一页地址",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "items": {"type": "array", "items": item_ref},
                                        "next": {"type": ["string", "null"]},
                                    },
                                    "required": ["items", "next"],
                                }
                            },
                            "text/csv": {"schema": {"type": "string"}},
                        },
                    },
                }
                | _errors("400", "401", "422"),
            },
            "post": {
                "summary": f"新增{coll.title}",
                "operationId": f"create_{title}",
                "parameters": [CONFIRM_DUPLICATE],
                "requestBody": _json_body(f"#/components/schemas/{title}Input"),
                "responses": {"201": {"description": "已创建"} | ok_item}
                | _errors("400", "401", "403", "409", "413", "415", "422"),
            },
        }
        id_param = [{"name": "record_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
        paths[f"/api/v1/{coll.name}/{{record_id}}"] = {
            "parameters": id_param,
            "get": {
                "summary": f"{coll.title}详情",
                "operationId": f"get_{title}",
                "responses": {"200": {"description": "记录"} | ok_item} | _errors("401", "404"),
            },
            "patch": {
                "summary": f"修改{coll.title}（须带当前 version）",
                "operationId": f"update_{title}",
                "parameters": [CONFIRM_DUPLICATE],
                "requestBody": _json_body(f"#/components/schemas/{title}Patch"),
                "responses": {"200": {"description": "已修改"} | ok_item}
                | _errors("400", "401", "403", "404", "409", "413", "415", "422"),
            },
            "delete": {
                "summary": f"归档{coll.title}（不删除）",
                "operationId": f"archive_{title}",
                "parameters": [
                    {"name": "version", "in": "query", "schema": {"type": "integer"}},
                    {"name": "reason", "in": "query", "schema": {"type": "string", "maxLength": 200}},
                ],
                "responses": {"200": {"description": "已归档"} | ok_item}
                | _errors("401", "403", "404", "409", "422"),
            },
        }
    paths["/api/v1/listing-candidates/{record_id}/stages"] = {
        "parameters": [{"name": "record_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "post": {
            "summary": "登记上市后备企业的新阶段",
            "operationId": "add_stage",
            "requestBody": _json_body(
                schema={
                    "type": "object",
                    "properties": {
                        "stage": {"type": "string"},
                        "changed_on": {"type": "string", "format": "date"},
                        "version": {"type": "integer"},
                    },
                    "required": ["stage", "changed_on"],
                    "additionalProperties": False,
                }
            ),
            "responses": {
                "201": {
                    "description": "已登记",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ListingCandidates"}}
                    },
                }
            }
            | _errors("400", "401", "403", "404", "409", "413", "415", "422"),
        },
    }
    period = [
        {"name": "start", "in": "query", "required": True, "schema": {"type": "string", "format": "date"}},
        {"name": "end", "in": "query", "required": True, "schema": {"type": "string", "format": "date"}},
    ]
    value = {"type": ["integer", "string"], "description": "整数；金额为两位小数的字符串"}
    paths["/api/v1/summary"] = {
        "get": {
            "summary": "统计汇总：期间内的全部指标",
            "operationId": "summary",
            "parameters": period,
            "responses": {
                "200": {
                    "description": "指标及其数值",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "start": {"type": "string"},
                                    "end": {"type": "string"},
                                    "indicators": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "code": {"type": "string"},
                                                "section": {"type": "string"},
                                                "label": {"type": "string"},
                                                "unit": {"type": "string"},
                                                "value": value,
                                            },
                                            "required": ["code", "section", "label", "unit", "value"],
                                        },
                                    },
                                },
                                "required": ["start", "end", "indicators"],
                            }
                        }
                    },
                }
            }
            | _errors("401", "403", "422"),
        }
    }
    record = {
        "type": "object",
        "properties": {"type": {"type": "string"}, "id": {"type": "integer"}, "label": {"type": "string"}},
        "required": ["type", "id", "label"],
    }
    paths["/api/v1/summary/{code}"] = {
        "get": {
            "summary": "单个指标的数值及其对应记录",
            "operationId": "summary_item",
            "parameters": [
                {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}},
                *period,
            ],
            "responses": {
                "200": {
                    "description": "数值和记录",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "code": {"type": "string"},
                                    "start": {"type": "string"},
                                    "end": {"type": "string"},
                                    "unit": {"type": "string"},
                                    "value": value,
                                    "records": {
                                        "type": "array",
                                        "description": "数值背后的记录：单位为“家”的指标即各企业（type 为 enterprise，"
                                        "每家一次，记录数等于数值），via 为使其计入的记录（入孵、资质、贷款……）",
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "type": {"type": "string"},
                                                "id": {"type": "integer"},
                                                "label": {"type": "string"},
                                                "via": {"type": "array", "items": record},
                                            },
                                            "required": ["type", "id", "label"],
                                        },
                                    },
                                },
                                "required": ["code", "value", "records"],
                            }
                        }
                    },
                }
            }
            | _errors("401", "403", "404", "422"),
        }
    }
    paths["/api/v1/snapshots/{snapshot_id}/compare"] = {
        "get": {
            "summary": "快照对比：冻结值、当前值，以及每个变化的数字为什么变了",
            "operationId": "snapshot_compare",
            "parameters": [
                {"name": "snapshot_id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "responses": {
                "200": {
                    "description": "快照中的每个指标；entered/left 为冻结后新计入、不再计入的记录及原因",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/SnapshotCompare"}}
                    },
                }
            }
            | _errors("401", "403", "404"),
        }
    }
    schemas |= snapshot_schemas(value)
    from ..reports.workspace import openapi as reports

    paths |= reports.paths(_json_body, _errors)
    schemas |= reports.schemas()
    return {
        "openapi": "3.1.0",
        "info": {"title": "双创 Registry API", "version": "1", "description": "县域科技创新企业登记系统接口"},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }
