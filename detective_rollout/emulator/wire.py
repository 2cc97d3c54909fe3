"""HTTP request -> ``ApiRequest``, driven by botocore's service models (shared by both front ends).

The service comes from the SigV4 credential scope (as on AWS, the hostname may be anything:
``--endpoint-url``), the Region and access key too; the operation from the protocol: rest-json
matches method + requestUri templates, json reads ``X-Amz-Target``, query reads ``Action``.
Parameters are decoded by walking the operation's input shape, so no operation is hand-parsed.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any, cast
from urllib.parse import parse_qs, unquote, urlsplit

from botocore.model import OperationModel, Shape

from detective_rollout.emulator import encode, errors
from detective_rollout.emulator.aws_data import service_model, signing_name_to_service
from detective_rollout.emulator.base import Answerer, ApiRequest
from detective_rollout.ids import unique_uuid

_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")


def request_id() -> str:
    """Unique per process without a system call per call (detective_rollout.ids)."""
    return str(unique_uuid())


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: dict[str, str]
    body: bytes


def identify(headers: dict[str, str]) -> tuple[str, str, str] | None:
    """(service, region, access key) from the Authorization header; None: not an emulated service."""
    match = _SCOPE.search(headers.get("authorization", ""))
    if not match:
        return None
    access_key, region, signing_name = match.groups()
    service = signing_name_to_service().get(signing_name)
    return (service, region, access_key) if service else None


def handle_http(
    fleet: Answerer,
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes,
    raise_unknown_endpoint: bool = False,
    sleep_latency: bool = True,
) -> HttpResponse | None:
    """Serve one HTTP request from ``fleet``; None when the request is for a service not emulated.

    Every request gets an answer in its protocol's error shape, never a dropped connection: a
    body that is not what the operation's input shape says is a 400 validation error, and a bug
    is a 500.
    """
    lower = {k.lower(): v for k, v in headers.items()}
    found = identify(lower)
    if found is None:
        return None
    service, region, access_key = found
    model = service_model(service)
    rid = request_id()
    operation: OperationModel | None = None
    try:
        operation = find_operation(service, method, url, lower, body)
        params = decode_params(operation, method, url, lower, body)
        output = fleet.handle(ApiRequest(service, operation.name, region, access_key, params, sleep_latency))
        status, out_headers, payload = encode.response(operation, output, rid)
    except errors.UnknownEndpoint:
        if raise_unknown_endpoint:
            raise
        status, out_headers, payload = encode.error(model.protocol, operation, _unknown(service, region), rid)
    except errors.AwsError as exc:
        status, out_headers, payload = encode.error(model.protocol, operation, exc, rid)
    except Exception as exc:  # noqa: BLE001 - an answer, never a dropped connection
        failure = errors.InternalFailure(f"The emulator failed on this request: {type(exc).__name__}: {exc}")
        status, out_headers, payload = encode.error(model.protocol, operation, failure, rid)
    return HttpResponse(status, out_headers, payload)


def bad_request(headers: dict[str, str], message: str) -> HttpResponse:
    """A 400 for a request the server cannot even read (its Content-Length), in the signed service's protocol."""
    found = identify({k.lower(): v for k, v in headers.items()})
    protocol = service_model(found[0]).protocol if found else "rest-json"
    exc = errors.ValidationError(message) if protocol == "query" else errors.ValidationException(message)
    status, out_headers, payload = encode.error(protocol, None, exc, request_id())
    return HttpResponse(status, {**out_headers, "Connection": "close"}, payload)


def missing_authentication(url: str, body: bytes) -> HttpResponse:
    """AWS's answer to an unsigned request: 403 MissingAuthenticationToken, in the request's protocol."""
    rid = request_id()
    query_protocol = b"Action=" in body or "Action=" in urlsplit(url).query
    exc = errors.MissingAuthenticationToken("Request is missing Authentication Token")
    status, headers, payload = encode.error("query" if query_protocol else "rest-json", None, exc, rid)
    return HttpResponse(status, headers, payload)


def _unknown(service: str, region: str) -> errors.AwsError:
    return errors.UnknownEndpoint(f"Could not connect to the endpoint: {service} is not offered in {region}.")


def find_operation(service: str, method: str, url: str, headers: dict[str, str], body: bytes) -> OperationModel:
    """The operation a request is for: method + path (rest-json), X-Amz-Target (json) or Action (query)."""
    model = service_model(service)
    parts = urlsplit(url)
    if model.protocol == "rest-json":
        query = parse_qs(parts.query, keep_blank_values=True)
        return model.operation_model(_match_rest(service, method.upper(), parts.path or "/", query)[0])
    if model.protocol == "json":
        target = headers.get("x-amz-target", "")
        op_name = target.rsplit(".", 1)[-1]
        if op_name not in model.operation_names:
            raise errors.NotImplementedOperation(f"Unknown operation {target!r}")
        return model.operation_model(op_name)
    op_name = _form(url, body).get("Action", "")
    if op_name not in model.operation_names:
        raise errors.NotImplementedOperation(f"Unknown Action {op_name!r}")
    return model.operation_model(op_name)


def decode_params(
    operation: OperationModel, method: str, url: str, headers: dict[str, str], body: bytes
) -> dict[str, Any]:
    """The operation's parameters, checked against its input shape (a wrong type is a validation error)."""
    protocol = operation.service_model.protocol
    parts = urlsplit(url)
    if protocol == "rest-json":
        query = parse_qs(parts.query, keep_blank_values=True)
        path_params = _match_rest(operation.service_model.service_name, method.upper(), parts.path or "/", query)[1]
        return _decode_rest(operation, path_params, query, headers, body)
    if protocol == "json":
        return _from_json(operation.input_shape, _json_body(body), operation.input_shape.name) or {}
    return _from_query(operation.input_shape, _form(url, body), "") or {}


def _form(url: str, body: bytes) -> dict[str, str]:
    """Query-protocol fields: the form body (POST) or the query string (GET)."""
    try:
        text = body.decode()
    except UnicodeDecodeError:
        raise errors.ValidationError("The request body is not valid UTF-8.") from None
    query = parse_qs(urlsplit(url).query, keep_blank_values=True)
    return {k: v[-1] for k, v in {**query, **parse_qs(text, keep_blank_values=True)}.items()}


# rest-json ----------------------------------------------------------------------------------
@cache
def _routes(service: str) -> list[tuple[str, re.Pattern[str], tuple[str, ...], str]]:
    """(method, path regex, required query keys, operation), literal-heavy templates first."""
    model = service_model(service)
    routes = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        path, _, query = http["requestUri"].partition("?")
        pattern = re.sub(
            r"\\\{(\w+)(\\\+)?\\\}", lambda m: f"(?P<{m.group(1)}>{'.+' if m.group(2) else '[^/]+'})", re.escape(path)
        )
        required = tuple(q.split("=")[0] for q in query.split("&") if q)
        routes.append((http["method"], re.compile(f"^{pattern}/?$"), required, name))
    routes.sort(key=lambda r: (r[1].pattern.count("(?P<"), -len(r[1].pattern)))
    return routes


@cache
def _literal_routes(service: str) -> dict[tuple[str, str], list[tuple[tuple[str, ...], str]]]:
    """The routes without a path parameter by (method, path), in ``_routes`` order: most requests need no regex.

    A literal template matches exactly one path, so looking it up first picks what the ordered
    scan would have picked (literal templates sort first there too).
    """
    found: dict[tuple[str, str], list[tuple[tuple[str, ...], str]]] = {}
    for method, pattern, required, name in _routes(service):
        if "(?P<" not in pattern.pattern:
            literal = re.sub(r"\\(.)", r"\1", pattern.pattern[1:-3])  # ^<escaped path>/?$
            found.setdefault((method, literal.rstrip("/") or "/"), []).append((required, name))
    return found


def _match_rest(service: str, method: str, path: str, query: dict[str, list[str]]) -> tuple[str, dict[str, str]]:
    for required, name in _literal_routes(service).get((method, path.rstrip("/") or "/"), ()):
        if all(q in query for q in required):
            return name, {}
    for route_method, pattern, required, name in _routes(service):
        match = pattern.match(path)
        if route_method == method and match and all(q in query for q in required):
            return name, {k: unquote(v) for k, v in match.groupdict().items()}
    raise errors.NotImplementedOperation(f"No {service} operation matches {method} {path}")


def _decode_rest(
    operation: OperationModel,
    path_params: dict[str, str],
    query: dict[str, list[str]],
    headers: dict[str, str],
    body: bytes,
) -> dict[str, Any]:
    shape = operation.input_shape
    if shape is None:
        return {}
    params: dict[str, Any] = _from_json(shape, _json_body(body), shape.name)
    for name, member in shape.members.items():
        location, wire = member.serialization.get("location"), member.serialization.get("name", name)
        if location == "uri" and wire in path_params:
            params[name] = _scalar(member, path_params[wire])
        elif location == "querystring" and wire in query:
            values = query[wire]
            params[name] = (
                [_scalar(member.member, v) for v in values]
                if member.type_name == "list"
                else _scalar(member, values[-1])
            )
        elif location == "header" and wire.lower() in headers:
            params[name] = _scalar(member, headers[wire.lower()])
    return params


def _json_body(body: bytes) -> Any:
    if not body.strip():
        return {}
    try:
        return json.loads(body)
    except ValueError:
        raise errors.ValidationException("The request body is not valid JSON.") from None


# shape walkers ------------------------------------------------------------------------------
def _scalar(shape: Shape, raw: str) -> Any:
    kind = shape.type_name
    try:
        if kind in ("integer", "long"):
            return int(raw)
        if kind in ("double", "float"):
            return float(raw)
    except ValueError:
        raise errors.ValidationException(f"Invalid {kind} value {raw!r}") from None
    if kind == "boolean":
        return raw.lower() == "true"
    if kind == "timestamp":
        return _timestamp(raw)
    if kind == "blob":
        return base64.b64decode(raw)
    return raw


def _timestamp(raw: Any) -> datetime:
    if isinstance(raw, int | float) or (isinstance(raw, str) and re.fullmatch(r"\d+(\.\d+)?", raw)):
        return datetime.fromtimestamp(float(raw), UTC)
    return datetime.fromisoformat(str(raw).replace("Z", "+00:00"))


#: JSON types each scalar shape type takes (bool is not a number here, as in AWS's deserialisers).
_JSON_SCALARS: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "long": (int,),
    "double": (int, float),
    "float": (int, float),
    "timestamp": (int, float, str),
    "blob": (str,),
}


def _from_json(shape: Shape | None, value: Any, where: str) -> Any:
    """Decode a JSON value by shape: wire names (locationName) -> member names, typed scalars.

    A value of the wrong JSON type (``{"MaxResults": "x"}``, ``{"Tags": "x"}``) is a validation
    error naming the field, as AWS answers, not a crash further in.
    """
    if shape is None or value is None:
        return {} if shape is None else None
    kind = shape.type_name
    expected = _JSON_SCALARS.get(kind, (object,))
    if kind in ("structure", "map"):
        expected = (dict,)
    elif kind == "list":
        expected = (list,)
    if not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected):
        wanted = "an object" if kind in ("structure", "map") else f"a {kind}"
        raise errors.ValidationException(f"Invalid value for {where}: expected {wanted}, got {type(value).__name__}")
    value = cast(Any, value)
    if kind == "structure":
        out = {}
        for name, member in shape.members.items():
            wire = member.serialization.get("name", name)
            if not member.serialization.get("location") and wire in value:
                out[name] = _from_json(member, value[wire], f"{where}.{wire}")
        return out
    if kind == "list":
        return [_from_json(shape.member, v, f"{where}[{i}]") for i, v in enumerate(value)]
    if kind == "map":
        return {
            _from_json(shape.key, k, f"{where} key"): _from_json(shape.value, v, f"{where}.{k}")
            for k, v in value.items()
        }
    if kind == "timestamp":
        try:
            return _timestamp(value)
        except ValueError:
            raise errors.ValidationException(f"Invalid value for {where}: not a timestamp") from None
    if kind == "blob":
        try:
            return base64.b64decode(value, validate=True)
        except ValueError:
            raise errors.ValidationException(f"Invalid value for {where}: not base64") from None
    return value


def _from_query(shape: Shape | None, form: dict[str, str], prefix: str) -> Any:
    """Decode query-protocol form fields (``Tags.member.1.Key``) by shape."""
    if shape is None:
        return None
    kind = shape.type_name
    if kind == "structure":
        out = {}
        for name, member in shape.members.items():
            wire = member.serialization.get("name", name)
            value = _from_query(member, form, f"{prefix}.{wire}" if prefix else wire)
            if value is not None:
                out[name] = value
        return out if out or not prefix else None
    if kind == "list":
        base = prefix if shape.serialization.get("flattened") else f"{prefix}.member"
        items, index = [], 1
        while _present(form, f"{base}.{index}"):
            items.append(_from_query(shape.member, form, f"{base}.{index}"))
            index += 1
        return items if items or prefix in form else None
    if kind == "map":
        entries, index = {}, 1
        while _present(form, f"{prefix}.entry.{index}"):
            entry = f"{prefix}.entry.{index}"
            entries[form[f"{entry}.key"]] = _from_query(shape.value, form, f"{entry}.value")
            index += 1
        return entries or None
    return _scalar(shape, form[prefix]) if prefix in form else None


def _present(form: dict[str, str], prefix: str) -> bool:
    return prefix in form or any(k.startswith(prefix + ".") for k in form)
