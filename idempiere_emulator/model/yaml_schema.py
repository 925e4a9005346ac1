"""GET /models/{table}/yaml: the OpenAPI 3.0.0 document the plugin assembles by hand (spec §2.4).

Like the plugin it is built as text (no YAML library), with one schema per table keyed by exact
ColumnName; key, ``_UU`` and Button columns are left out, and only the audit columns are readOnly.
"""
from __future__ import annotations

from datetime import datetime, timezone

from ..catalog import DT, Column, Table

READ_ONLY = {"ad_client_id", "created", "createdby", "updated", "updatedby"}


def _q(text: str) -> str:
    """Single-quoted YAML scalar (quotes doubled so the document always parses)."""
    return "'" + str(text).replace("'", "''") + "'"


def _desc(col: Column, pad: str) -> list[str]:
    return [f"{pad}description: {_q(col.description)}"] if col.description else []


def _enum(pad: str, values: list[str]) -> list[str]:
    return [f"{pad}enum:"] + [f"{pad}  - {_q(v)}" for v in values]


def column_lines(col: Column, pad: str) -> list[str]:
    """Schema lines of one property, by display type (§2.4)."""
    inner = pad + "  "
    if col.dt == DT.LOCATION:
        return [f"{pad[:-2]}{col.name}: {{ $ref: '#/components/schemas/Location' }}"]
    out = [f"{pad[:-2]}{col.name}:"]
    if col.is_list:
        values = col.list_values or {}
        out += [f"{pad}type: object", f"{pad}properties:", f"{inner}propertyLabel:", f"{inner}  type: string",
                f"{inner}  readOnly: true", *_enum(inner + "  ", [col.label]), f"{inner}id:", f"{inner}  type: string",
                f"{inner}  description: list item id"]
        if values:
            out += _enum(inner + "  ", list(values))
        out += [f"{inner}identifier:", f"{inner}  type: string", f"{inner}  description: list item identifier"]
        if values:
            out += _enum(inner + "  ", list(values.values()))
        out += [f"{inner}model-name:", f"{inner}  type: string", f"{inner}  readOnly: true",
                *_enum(inner + "  ", ["ad_ref_list"])]
    elif col.is_lookup:
        out += [f"{pad}type: object", f"{pad}properties:", f"{inner}propertyLabel:", f"{inner}  type: string",
                f"{inner}  readOnly: true", *_enum(inner + "  ", [col.label]), f"{inner}id:", f"{inner}  type: integer",
                f"{inner}  description: record id", f"{inner}identifier:", f"{inner}  type: string",
                f"{inner}  description: record identifier", f"{inner}model-name:", f"{inner}  type: string",
                f"{inner}  readOnly: true", *_enum(inner + "  ", [col.ref_table.lower()])]
    elif col.dt == DT.YESNO:
        out += [f"{pad}type: boolean", *_desc(col, pad)]
    elif col.dt in (DT.INTEGER, DT.ID):
        out += [f"{pad}type: integer", *_desc(col, pad)]
    elif col.dt in DT.NUMERIC:
        out += [f"{pad}type: number", *_desc(col, pad)]
    elif col.dt == DT.DATE:
        out += [f"{pad}type: string", f"{pad}format: date", *_desc(col, pad),
                f"{pad}example: {_q(datetime.now(timezone.utc).strftime('%Y-%m-%d'))}"]
    elif col.dt == DT.DATETIME:
        out += [f"{pad}type: string", f"{pad}format: date-time", *_desc(col, pad),
                f"{pad}example: {_q(datetime.now(timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'))}"]
    elif col.dt == DT.BINARY:
        out += [f"{pad}type: string", f"{pad}format: byte", f"{pad}description: base64 encoded binary content"]
    else:
        out += [f"{pad}type: string", *_desc(col, pad)]
    if col.lname in READ_ONLY:
        out.append(f"{pad}readOnly: true")
    return out


def schema_properties(table: Table) -> list[str]:
    """``components.schemas.<TableName>`` (id and uid first, then the table's columns)."""
    out = [f"    {table.name}:", "      type: object", "      properties:",
           "        id:", "          type: integer", "          readOnly: true", "          description: record id",
           "        uid:", "          type: string", "          readOnly: true", "          description: record uuid"]
    for col in table.columns:
        if col.is_key or col.is_uu or col.dt == DT.BUTTON:
            continue
        out += column_lines(col, "          ")
    return out


_PARAMS = [("expand", "$expand", "expand of parent or child entities"), ("filter", "$filter", "query filter"),
           ("orderby", "$orderby", "ordering of query result"),
           ("select", "$select", "comma separated list of properties to be included in the json result object"),
           ("top", "$top", "first n items to return from query result"), ("skip", "$skip", "first n items to skip")]


def _json(schema: str, pad: str) -> list[str]:
    return [f"{pad}content:", f"{pad}  application/json:", f"{pad}    schema: {{ $ref: '#/components/schemas/{schema}' }}"]


def _responses(ok: str, schema: str, errors: tuple[str, ...] = ("404", "500")) -> list[str]:
    out = ["      responses:", f"        '{ok}':", "          description: Successful response", *_json(schema, "          ")]
    for code in errors:
        out += [f"        '{code}':", "          description: Error response", *_json("errorResponse", "          ")]
    return out


_ID_PARAM = ["      parameters:", "        - name: id", "          in: path", "          schema:", "            oneOf:",
             "              - type: string", "              - type: integer", "          required: true",
             "          description: integer record id or string record uuid"]


def table_yaml(table: Table) -> str:
    """The whole document for one table."""
    name = table.name
    lines = ["openapi: 3.0.0", "info:", f"  title: models/{name}", "  version: 1.0.0", "servers:",
             "  - url: '{base_url}'", "    variables:", "      base_url:", "        enum:",
             "          - 'http://localhost:8080/api/v1'", "        default: 'http://localhost:8080/api/v1'",
             "components:", "  securitySchemes:", "    bearerAuth:", "      type: http", "      scheme: bearer",
             "      bearerFormat: JWT", "  parameters:"]
    for key, pname, desc in _PARAMS:
        lines += [f"    {key}:", "      in: query", f"      name: {pname}", "      required: false", "      schema:",
                  f"        type: {'integer' if key == 'skip' else 'string'}", f"      description: {desc}"]
    lines += ["  schemas:", *schema_properties(table), "    errorResponse:", "      type: object", "      properties:",
              "        title:", "          type: string", "          description: error summary text",
              "        status:", "          type: integer", "          description: http status",
              "        detail:", "          type: string", "          description: error detail text"]
    if any(c.dt == DT.LOCATION for c in table.columns):
        lines += ["    Location:", "      type: object", "      properties:", "        id:", "          type: integer",
                  "        identifier:", "          type: string", "        model-name:", "          type: string",
                  "          enum:", "            - 'c_location'", "        Address1:", "          type: string",
                  "        City:", "          type: string", "        Postal:", "          type: string",
                  "        C_Country_ID:", "          type: object"]
    lines += ["security:", "  - bearerAuth: []", "paths:",
              "  /auth/tokens:", "    post:", "      requestBody:", "        content:", "          application/json:",
              "            schema:", "              type: object", "              properties:",
              "                userName:", "                  type: string", "                password:",
              "                  type: string", "      responses:", "        '200':", "          description: token",
              "  /auth/refresh:", "    post:", "      requestBody:", "        content:", "          application/json:",
              "            schema:", "              type: object", "              properties:",
              "                refresh_token:", "                  type: string", "      responses:", "        '200':",
              "          description: refreshed token",
              f"  /models/{name}/{{id}}:", "    get:", *_ID_PARAM, *_responses("200", name),
              "    put:", "      requestBody:", *_json(name, "        "), *_ID_PARAM, *_responses("200", name),
              "    delete:", *_ID_PARAM, "      responses:", "        '200':", "          description: Successful response",
              f"  /models/{name}:", "    get:", "      parameters:",
              *[f"        - $ref: '#/components/parameters/{k}'" for k, _p, _d in _PARAMS],
              "      responses:", "        '200':", "          description: Successful response", "          content:",
              "            application/json:", "              schema:", "                type: object",
              "                properties:", *[f"                  {k}:\n                    type: integer" for k in
                                               ("page-count", "records-size", "skip-records", "row-count",
                                                "array-count")],
              "                  records:", "                    type: array", "                    items:",
              f"                      $ref: '#/components/schemas/{name}'",
              "    post:", "      requestBody:", *_json(name, "        "), *_responses("201", name, ("500",))]
    return "\n".join(lines) + "\n"
