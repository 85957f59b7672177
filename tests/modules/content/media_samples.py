"""Small but well-formed files of every allowed type (headers real enough for any sniffer),
a few hostile ones, and the storage contract every media storage must pass."""

from __future__ import annotations

import struct
import uuid
import zlib

import pytest

from rustok.modules.content.media.storage import MediaStorage, StoredFileMissing, media_key


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    rows = b"".join(b"\x00" + b"\x7f\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def gif(width: int, height: int) -> bytes:
    return b"GIF89a" + struct.pack("<HH", width, height) + b"\x00\x00\x00;"


def jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3)
    return b"\xff\xd8" + app0 + sof + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01\xff\xd9"


def webp(width: int, height: int) -> bytes:
    size = (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    vp8x = b"VP8X" + struct.pack("<I", 10) + b"\x00\x00\x00\x00" + size
    return b"RIFF" + struct.pack("<I", 4 + len(vp8x)) + b"WEBP" + vp8x


def _box(kind: bytes, data: bytes, *, full: bool = False) -> bytes:
    body = (b"\x00\x00\x00\x00" if full else b"") + data
    return struct.pack(">I", 8 + len(body)) + kind + body


def avif(width: int, height: int) -> bytes:
    ftyp = _box(b"ftyp", b"avif\x00\x00\x00\x00avifmif1miaf")
    ispe = _box(b"ispe", struct.pack(">II", width, height), full=True)
    handler = _box(b"hdlr", b"\x00\x00\x00\x00pict" + b"\x00" * 13, full=True)
    return ftyp + _box(b"meta", handler + _box(b"iprp", _box(b"ipco", ispe)), full=True)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MP4 = _box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2avc1mp41") + _box(b"free", b"")
WEBM = bytes.fromhex(
    "1a45dfa39f4286810142f7810142f2810442f381084282847765626d42878104428581021853806701"
)
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x00" + b"\x00" * 64
OGG = b"OggS\x00\x02" + b"\x00" * 22 + b"\x01\x1evorbis" + b"\x00" * 20
TEXT = "Größe, цвет, 色\nline two\n".encode()
CSV = b"sku,title,price\nTEE-S,Tee,2500\n"
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 60
EXE = b"MZ\x90\x00" + b"\x00" * 60
ZIP = b"PK\x03\x04" + b"\x00" * 30
HTML = b"  <!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
XML = b'<?xml version="1.0"?><x/>'
BINARY_JUNK = bytes(range(256)) * 4  # no known signature, not text

# (bytes, the type they are, width, height)
ALLOWED_SAMPLES = {
    "png": (png(3, 2), "image/png", 3, 2),
    "gif": (gif(5, 4), "image/gif", 5, 4),
    "jpeg": (jpeg(7, 6), "image/jpeg", 7, 6),
    "webp": (webp(9, 8), "image/webp", 9, 8),
    "avif": (avif(11, 10), "image/avif", 11, 10),
    "pdf": (PDF, "application/pdf", None, None),
    "mp4": (MP4, "video/mp4", None, None),
    "webm": (WEBM, "video/webm", None, None),
    "mp3": (MP3, "audio/mpeg", None, None),
    "ogg": (OGG, "audio/ogg", None, None),
    "text": (TEXT, "text/plain", None, None),
}


async def check_storage_contract(storage: MediaStorage) -> None:
    """What every media storage promises (run against local, memory and S3)."""
    key = media_key(uuid.uuid4(), uuid.uuid4(), 2026, 11)
    await storage.check()
    await storage.save(key, b"first", "text/plain")
    await storage.save(key, b"second")  # replaced whole
    assert await storage.read(key) == b"second"
    big = bytes(range(256)) * 1000  # several chunks
    await storage.save(key, big, "application/octet-stream")
    assert b"".join([chunk async for chunk in storage.stream(key)]) == big
    await storage.delete(key)
    await storage.delete(key)  # deleting twice is fine
    with pytest.raises(StoredFileMissing):
        await storage.read(key)
    stream = storage.stream(key)
    with pytest.raises(StoredFileMissing):  # before anything is sent
        await anext(stream)
    for bad in ("../etc/passwd", "a/b", f"{uuid.uuid4()}/2026/11/../../x"):
        with pytest.raises(ValueError, match="not a media storage key"):
            await storage.save(bad, b"x")
        with pytest.raises(ValueError, match="not a media storage key"):
            await storage.read(bad)
