"""HTTP and GraphQL transports: thin layers over the services."""
