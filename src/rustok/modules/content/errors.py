"""Content errors (codes refine the core tree; statuses come from the parents)."""

from __future__ import annotations

from rustok.core.errors import (
    Conflict,
    NotFound,
    RustokError,
    Unavailable,
    UnsupportedMediaType,
    ValidationFailed,
)


class NodeNotFound(NotFound):
    code = "NODE_NOT_FOUND"
    title = "Content node not found"


class CategoryNotFound(NotFound):
    code = "CATEGORY_NOT_FOUND"
    title = "Category not found"


class TagNotFound(NotFound):
    code = "TAG_NOT_FOUND"
    title = "Tag not found"


class MediaNotFound(NotFound):
    code = "MEDIA_NOT_FOUND"
    title = "Media not found"


class RangeNotSatisfiable(RustokError):
    """A ``Range`` that starts at or beyond the end of the file (416, ``Content-Range``)."""

    status = 416
    code = "RANGE_NOT_SATISFIABLE"
    title = "Range not satisfiable"


class MediaTypeNotAllowed(UnsupportedMediaType):
    """The upload's type (as sniffed from its bytes, or as declared) is not on the list."""

    code = "MEDIA_TYPE_NOT_ALLOWED"
    title = "Media type not allowed"


class MediaTypeMismatch(UnsupportedMediaType):
    """The upload's bytes are of another type than its declared ``Content-Type``."""

    code = "MEDIA_TYPE_MISMATCH"
    title = "Media type does not match the file"


class MediaStorageUnavailable(Unavailable):
    """The media storage (an S3 bucket) failed, timed out or its breaker is open."""

    code = "MEDIA_STORAGE_UNAVAILABLE"
    title = "Media storage unavailable"


class SlugTaken(Conflict):
    """The slug is used by another entity of the same kind and locale."""

    code = "SLUG_TAKEN"
    title = "Slug already taken"


class NodeHasChildren(Conflict):
    code = "NODE_HAS_CHILDREN"
    title = "Node has children"


class UnknownReference(ValidationFailed):
    """A body names a parent, category or tag that does not exist in this tenant."""

    code = "UNKNOWN_REFERENCE"
    title = "Unknown reference"


class ManagedKind(Conflict):
    """The node's kind belongs to another module (forum, pages, ...): change it there."""

    code = "KIND_MANAGED"
    title = "Managed by another module"
