"""API keys for integrations (K-1…K-3): per tenant, named, scoped, hashed, revocable.

- ``keys.py`` — the key string: minted, shape-checked (prefix, alphabet, checksum) and
  hashed; read from ``Authorization: Bearer rk_…`` or ``X-Api-Key``.
- ``models.py`` — the ``api_keys`` table (only the key's SHA-256 is stored).
- ``service.py`` — create, list, revoke (audited; revocation is a principal change).
- ``authenticator.py`` + ``cache.py`` — the key behind a request and the principal it
  acts as: its permissions narrowed to its creator's current grants, both cached 15 s and
  dropped on every instance within a second by the principal-change rows (auth/revocations).
- ``usage.py`` — last-used time and address, kept in memory and written in batches.
- ``routes.py``, ``graphql.py`` — ``/api/admin/api-keys`` and ``apiKeys``/``createApiKey``/
  ``revokeApiKey``.
"""
