"""The GraphQL schema per office, and the HTTP service around it."""
