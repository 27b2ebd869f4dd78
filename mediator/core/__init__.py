"""Domain and persistence. Never imports textual (a test enforces this)."""
