"""Strawberry types: the whole registry as GraphQL, before any office's policy trims it."""
