"""Build: plan units, decide what changed, validate inputs, render in workers, record the state."""
