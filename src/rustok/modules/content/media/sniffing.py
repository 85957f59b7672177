"""What an upload really is: its type from its bytes (``filetype``'s magic numbers), checked
against a small allow-list and against the type the client declared; images also get their
width and height (``imagesize`` reads them from the header).

Allowed (:data:`ALLOWED_TYPES`): PNG, JPEG, GIF, WebP, AVIF, PDF, MP4, WebM, MP3, Ogg, and
UTF-8 plain text or CSV. Refused with 415: anything else the bytes show (executables,
archives, office files, HEIC, ...), bytes with no known signature that are not text, text
that opens like HTML, SVG or XML (a browser would run its scripts), and bytes that contradict
the declared type (``MEDIA_TYPE_MISMATCH``). A client that does not know the type sends
``application/octet-stream`` (or, in a multipart part, nothing) and gets the sniffed one.
Both libraries are pure Python and imported on the first upload, not at start-up.
"""

from __future__ import annotations

import io
import re

import msgspec

from rustok.modules.content.errors import MediaTypeMismatch, MediaTypeNotAllowed

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"})
TEXT_TYPES = frozenset({"text/plain", "text/csv"})
ALLOWED_TYPES = IMAGE_TYPES | TEXT_TYPES | {
    "application/pdf", "video/mp4", "video/webm", "audio/mpeg", "audio/ogg",
}  # fmt: skip
# Names of the same formats that clients send, and the type filetype gives animated PNGs.
ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/apng": "image/png",
    "image/x-png": "image/png",
    "audio/mp3": "audio/mpeg",
    "audio/x-mp3": "audio/mpeg",
    "video/ogg": "audio/ogg",
    "application/ogg": "audio/ogg",
    "text/x-csv": "text/csv",
    "application/csv": "text/csv",
}
UNDECLARED = frozenset({"", "application/octet-stream", "binary/octet-stream"})
# Declared types refused by name: documents a browser runs scripts in.
SCRIPTABLE = {
    "text/html": "HTML",
    "application/xhtml+xml": "XHTML",
    "image/svg+xml": "SVG",
    "text/xml": "XML",
    "application/xml": "XML",
    "text/javascript": "JavaScript",
    "application/javascript": "JavaScript",
}
# How HTML, SVG and XML open (the WHATWG MIME sniffing patterns): such "text" is refused.
_MARKUP = re.compile(
    rb"<(!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p"
    rb"|svg|!--|\?xml)[\s/>]",
    re.IGNORECASE,
)
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SNIFF_BYTES = 8192


class FileFacts(msgspec.Struct, frozen=True, kw_only=True):
    mime_type: str
    width: int | None = None
    height: int | None = None


def normalise(declared: str | None) -> str:
    """``Image/JPG; q=1`` → ``image/jpeg``; ``""`` when nothing useful was declared."""
    mime = (declared or "").split(";")[0].strip().lower()
    mime = ALIASES.get(mime, mime)
    return "" if mime in UNDECLARED else mime


def _allowed_list() -> str:
    return ", ".join(sorted(ALLOWED_TYPES))


def _text_type(data: bytes, declared: str) -> str:
    """The type of bytes without a known signature: text, or refused."""
    head = data[:_SNIFF_BYTES]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise MediaTypeNotAllowed(
            f"the file's type is not recognised (no known signature, not UTF-8 text); "
            f"allowed types: {_allowed_list()}",
            errors={"file": ["unrecognised file type"]},
        ) from None
    if _CONTROL.search(data):
        raise MediaTypeNotAllowed(
            "the file holds control characters, so it is not plain text",
            errors={"file": ["binary data of an unrecognised type"]},
        )
    if _MARKUP.match(head.lstrip(b"\xef\xbb\xbf \t\r\n\x0c")):
        raise MediaTypeNotAllowed(
            "the file is HTML, SVG or XML markup, which a browser would run scripts in",
            errors={"file": ["markup is not accepted"]},
        )
    return declared if declared in TEXT_TYPES else "text/plain"


def _dimensions(data: bytes) -> tuple[int | None, int | None]:
    import imagesize  # 70 ms of import: only uploads of images pay it

    # (-1, -1) when the header is too damaged to read; the type itself was recognised.
    width, height = imagesize.get(io.BytesIO(data))
    return (width, height) if width > 0 and height > 0 else (None, None)


def inspect_upload(data: bytes, declared: str | None) -> FileFacts:
    """The upload's real type (and image size), or :class:`MediaTypeNotAllowed` /
    :class:`MediaTypeMismatch` saying why not."""
    import filetype

    claimed = normalise(declared)
    if claimed in SCRIPTABLE:
        raise MediaTypeNotAllowed(
            f"{SCRIPTABLE[claimed]} files are not accepted: a browser would run scripts in them",
            errors={"content-type": [f"{claimed} is not allowed"]},
        )
    if claimed and claimed not in ALLOWED_TYPES:
        raise MediaTypeNotAllowed(
            f"{claimed} is not allowed; allowed types: {_allowed_list()}",
            errors={"content-type": [f"{claimed} is not allowed"]},
        )
    guessed = filetype.guess_mime(data[:_SNIFF_BYTES])
    sniffed = ALIASES.get(guessed, guessed) if guessed else _text_type(data, claimed)
    if sniffed not in ALLOWED_TYPES:
        raise MediaTypeNotAllowed(
            f"the file is {sniffed}, which is not allowed; allowed types: {_allowed_list()}",
            errors={"file": [f"{sniffed} is not allowed"]},
        )
    if claimed and claimed != sniffed:
        raise MediaTypeMismatch(
            f"the file's bytes are {sniffed}, not {claimed} as declared",
            errors={"content-type": [f"the file is {sniffed}"]},
        )
    if sniffed not in IMAGE_TYPES:
        return FileFacts(mime_type=sniffed)
    width, height = _dimensions(data)
    return FileFacts(mime_type=sniffed, width=width, height=height)
