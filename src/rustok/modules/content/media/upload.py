"""Reading an upload from the request, in either form a client may send:

- the raw file as the body: its type in ``Content-Type``, its name in ``?file_name=``;
- ``multipart/form-data`` (an HTML form, ``curl -F``): one file part named ``file`` (its
  part ``Content-Type`` is the declared type; without one the type is sniffed), and the
  optional text fields ``file_name`` (else the part's file name), ``alt_text``, ``caption``
  and ``locale`` (the first alternative text; the tenant's default locale when absent).

Both are bounded by ``RUSTOK_MAX_BODY_SIZE`` (413). A form without a boundary, a malformed
form, a form without a file part or with unknown fields is a 400 naming the part.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import FormMultiDict, UploadFile
from litestar.exceptions import ClientException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge

from rustok.core.errors import ValidationFailed
from rustok.modules.content.media.schemas import UploadInput

MULTIPART = "multipart/form-data"
FILE_FIELD = "file"
TEXT_FIELDS = ("file_name", "alt_text", "caption", "locale")


async def read_upload(request: Request[Any, Any, Any], file_name: str | None) -> UploadInput:
    content_type, options = request.content_type
    if content_type != MULTIPART:
        if file_name is None:
            raise ValidationFailed(
                errors={"file_name": ["required with a raw upload: name the file in the query"]}
            )
        declared = request.headers.get("content-type")
        return UploadInput(file_name=file_name, declared_type=declared, data=await request.body())
    if not options.get("boundary"):
        raise ValidationFailed(
            errors={"content-type": ["multipart/form-data needs its boundary parameter"]}
        )
    try:
        form = await request.form()
    except RequestEntityTooLarge:
        raise
    except ClientException as exc:
        message = f"malformed multipart/form-data: {exc.detail}"
        raise ValidationFailed(message, errors={"body": [message]}) from exc
    try:
        return await upload_from_form(form, file_name)
    finally:
        await form.close()


async def upload_from_form(form: FormMultiDict, query_name: str | None) -> UploadInput:
    errors: dict[str, list[str]] = {}
    unknown = sorted({key for key in form if key not in (FILE_FIELD, *TEXT_FIELDS)})
    for key in unknown:
        errors[key] = [f"unknown field; allowed: {', '.join((FILE_FIELD, *TEXT_FIELDS))}"]
    files = form.getall(FILE_FIELD, [])
    if len(files) != 1 or not isinstance(files[0], UploadFile):
        errors[FILE_FIELD] = ["send exactly one file part named 'file' (with a filename)"]
    texts: dict[str, str] = {}
    for key in TEXT_FIELDS:
        values = form.getall(key, [])
        if len(values) > 1 or any(not isinstance(v, str) for v in values):
            errors[key] = ["at most one text value"]
        elif values:
            texts[key] = values[0]
    if errors:
        raise ValidationFailed(errors=errors)
    upload: UploadFile = files[0]
    part_type = next((v for k, v in upload.headers.items() if k.lower() == "content-type"), None)
    return UploadInput(
        file_name=texts.get("file_name") or query_name or upload.filename,
        declared_type=part_type,
        data=await upload.read(),
        alt_text=texts.get("alt_text"),
        caption=texts.get("caption"),
        locale=texts.get("locale"),
    )
