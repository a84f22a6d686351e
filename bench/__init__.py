"""`make bench`: the load driver, the floor view and the in-process measurements (issue #7)."""
