"""A real `borderlabour serve` process over a database, for the test suite and the benchmark alike."""
