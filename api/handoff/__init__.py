"""Hand-off of escalated cases to a city platform over Open311 (docs/city-handoff.md)."""
