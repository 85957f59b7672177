"""Event transports: ``memory`` (in-process) and ``nats`` (JetStream)."""
