"""Output dict / ``AwsError`` -> HTTP response bytes, in each protocol's wire format.

Serialisation walks the operation's output shape (locationName, timestamp formats, list
wrappers), and errors use each protocol's envelope - rest-json: status + ``x-amzn-ErrorType``
+ ``{"message"}``; json: ``{"__type", "Message"}``; query: XML ``ErrorResponse`` - so that
botocore's own parsers, error handling and retry logic run unmodified on the result.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

from botocore.model import OperationModel, Shape

from detective_rollout.emulator.errors import AwsError

Encoded = tuple[int, dict[str, str], bytes]

_JSON_TYPES = {"rest-json": "application/json", "json": "application/x-amz-json-1.1"}


def response(operation: OperationModel, output: dict[str, Any], request_id: str) -> Encoded:
    protocol = operation.service_model.protocol
    shape = operation.output_shape
    headers = {"x-amzn-RequestId": request_id}
    if protocol == "query":
        return 200, {**headers, "Content-Type": "text/xml"}, _query_body(operation, output, request_id)
    status = int(operation.http.get("responseCode", 200))
    body: dict[str, Any] = {}
    if shape is not None:
        for name, member in shape.members.items():
            value = output.get(name)
            location = member.serialization.get("location")
            if value is None:
                continue
            if location == "header":
                headers[member.serialization.get("name", name)] = str(_json_value(member, value, protocol))
            elif location == "statusCode":
                status = int(value)
            elif location is None:
                body[member.serialization.get("name", name)] = _json_value(member, value, protocol)
    payload = b"" if status == 204 else json.dumps(body).encode()
    return status, {**headers, "Content-Type": _JSON_TYPES[protocol]}, payload


def error(protocol: str, operation: OperationModel | None, exc: AwsError, request_id: str) -> Encoded:
    if protocol == "query":
        xml = (
            f'<ErrorResponse xmlns="{_namespace(operation)}"><Error><Type>{exc.fault}</Type>'
            f"<Code>{escape(exc.code)}</Code><Message>{escape(exc.message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        return exc.status, {"x-amzn-RequestId": request_id, "Content-Type": "text/xml"}, xml.encode()
    headers = {"x-amzn-RequestId": request_id, "Content-Type": _JSON_TYPES[protocol], "x-amzn-ErrorType": exc.code}
    if protocol == "json":
        return exc.status, headers, json.dumps({"__type": exc.code, "Message": exc.message}).encode()
    return exc.status, headers, json.dumps({"message": exc.message}).encode()


# json / rest-json ---------------------------------------------------------------------------
def _json_value(shape: Shape, value: Any, protocol: str) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return {
            member.serialization.get("name", name): _json_value(member, value[name], protocol)
            for name, member in shape.members.items()
            if value.get(name) is not None
        }
    if kind == "list":
        return [_json_value(shape.member, v, protocol) for v in value]
    if kind == "map":
        return {k: _json_value(shape.value, v, protocol) for k, v in value.items()}
    if kind == "timestamp":
        return _timestamp(shape, value, "unixtimestamp")
    if kind == "blob":
        return base64.b64encode(value).decode()
    return value


def _timestamp(shape: Shape, value: datetime, default: str) -> Any:
    moment = value.astimezone(UTC)
    fmt = shape.serialization.get("timestampFormat", default)
    if fmt == "unixtimestamp":
        return moment.timestamp()
    if fmt == "rfc822":
        return moment.strftime("%a, %d %b %Y %H:%M:%S GMT")
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


# query (XML) --------------------------------------------------------------------------------
def _namespace(operation: OperationModel | None) -> str:
    if operation is None:
        return "https://sts.amazonaws.com/doc/2011-06-15/"
    return str(operation.service_model.metadata.get("xmlNamespace", ""))


def _query_body(operation: OperationModel, output: dict[str, Any], request_id: str) -> bytes:
    shape = operation.output_shape
    inner = _xml_members(shape, output) if shape is not None else ""
    wrapper = shape.serialization.get("resultWrapper") if shape is not None else None
    result = f"<{wrapper}>{inner}</{wrapper}>" if wrapper else inner
    name = operation.name
    return (
        f'<{name}Response xmlns="{_namespace(operation)}">{result}'
        f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{name}Response>"
    ).encode()


def _xml_members(shape: Shape, value: dict[str, Any]) -> str:
    return "".join(
        _xml(member, value[name], member.serialization.get("name", name))
        for name, member in shape.members.items()
        if value.get(name) is not None
    )


def _xml(shape: Shape, value: Any, tag: str) -> str:
    kind = shape.type_name
    if kind == "structure":
        return f"<{tag}>{_xml_members(shape, value)}</{tag}>"
    if kind == "list":
        item_tag = tag if shape.serialization.get("flattened") else shape.member.serialization.get("name", "member")
        items = "".join(_xml(shape.member, v, item_tag) for v in value)
        return items if shape.serialization.get("flattened") else f"<{tag}>{items}</{tag}>"
    if kind == "map":
        entries = "".join(f"<entry><key>{escape(str(k))}</key>{_xml(shape.value, v, 'value')}</entry>"
                          for k, v in value.items())
        return f"<{tag}>{entries}</{tag}>"
    if kind == "timestamp":
        text = str(_timestamp(shape, value, "iso8601"))
    elif kind == "boolean":
        text = "true" if value else "false"
    elif kind == "blob":
        text = base64.b64encode(value).decode()
    else:
        text = str(value)
    return f"<{tag}>{escape(text)}</{tag}>"
