"""The `borderlabour` command."""
