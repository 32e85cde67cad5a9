"""The GraphQL schema only: strawberry types, inputs and payloads whose fields declare the policy
they need, the per-office schema builder, the request context, the preparation of a document, and
what an answer discloses and searched by. It serves no HTTP and runs no transaction (`web`,
`service`); the compiled read engine reaches it as an execution context the service plugs in.
"""
