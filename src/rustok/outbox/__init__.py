"""The transactional outbox: event rows written with the domain rows, then relayed."""
