"""RusToK: an event-driven, multi-tenant, modular headless content + commerce platform."""

__version__ = "0.1.0"
API_VERSION = "1"

__all__ = ["API_VERSION", "__version__"]
