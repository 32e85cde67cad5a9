"""Maintainers' tools run from a checkout, never by the service: `python -m tools.catalogue` updates
the message catalogues; `vendor_graphiql.sh` re-vendors GraphiQL's browser files."""
