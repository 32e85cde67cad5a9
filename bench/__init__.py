"""The benchmark (`python -m bench`): datasets, the scenarios it measures and the report it writes."""
