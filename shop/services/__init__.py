"""Use cases: one function each, taking plain arguments and owning its transaction."""
