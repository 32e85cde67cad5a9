"""The HTTP door: the Starlette application, the GraphQL route and the file routes, GraphiQL and its
static files, the rate limit, the ASGI entry, and the one module that shapes error answers.

Nothing here decides access or runs an operation: each route admits the caller and hands the work
to `service`. Named `web`, not `http`: a top-level package `http` would shadow the standard
library's `http`, which uvicorn, httpx and urllib import.
"""
